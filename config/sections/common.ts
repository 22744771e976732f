/**
 * Building blocks shared by the configuration sections: Kubernetes
 * quantities, Prometheus durations, CIDRs, names and container resources.
 * Every schema carries an error message that says what a valid value looks
 * like, because these messages are what a user sees when synth refuses a file.
 */
import { z } from 'zod';

/** Show a rejected value the way the user wrote it. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

/** A Kubernetes resource quantity such as `500m`, `2`, `512Mi` or `100Gi`. */
export const Quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/, {
    error: (issue) => `${shown(issue.input)} is not a Kubernetes quantity; write e.g. "500m", "2", "512Mi" or "100Gi"`,
  });

/** A Prometheus duration such as `30s`, `5m`, `1h30m` or `30d`. */
export const Duration = z
  .string()
  .regex(/^(?=\d)((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/, {
    error: (issue) => `${shown(issue.input)} is not a Prometheus duration; write e.g. "15s", "5m", "1h30m" or "30d"`,
  });

/** An IPv4 or IPv6 CIDR with its mask, as NetworkPolicy `ipBlock` needs it. */
export const Cidr = z.string().refine(isCidr, {
  error: (issue) => {
    const value = String(issue.input);
    const hint = /^[0-9.]+$/.test(value) ? ` Did you mean "${value}/32"?` : '';
    return `${shown(value)} is not a CIDR with a mask, e.g. "10.0.0.0/16".${hint}`;
  },
});

/** A DNS-1123 label: the form of namespace, Service and most object names. */
export const K8sName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    error: (issue) => `${shown(issue.input)} is not a valid Kubernetes name; use lower-case letters, digits and "-", starting and ending with a letter or digit`,
  })
  .max(63, { error: 'must be at most 63 characters (a DNS label)' });

/** A container image with an explicit tag or digest; `latest` is refused. */
export const Image = z.string().superRefine((value, ctx) => {
  const ref = value.includes('@') ? value.split('@')[1] : tagOf(value);
  if (!ref) {
    ctx.addIssue({ code: 'custom', message: `${shown(value)} has no tag; pin a version, e.g. "${value}:v1.2.3"` });
  } else if (ref === 'latest') {
    ctx.addIssue({ code: 'custom', message: `${shown(value)} uses "latest"; pin a version so every replica runs the same binary` });
  }
});

/** Requests and limits of one container. Limits are required: a monitoring pod must not starve its node. */
export const Resources = z.strictObject({
  requests: z.strictObject({ cpu: Quantity, memory: Quantity }),
  limits: z.strictObject({ cpu: Quantity, memory: Quantity }),
});
export type Resources = z.infer<typeof Resources>;

/** Build the `Resources` default for a container. */
export function resources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/** A key in a Kubernetes Secret that the user creates; never the value itself. */
export const SecretKeyRef = z.strictObject({
  /** Secret name in the component's namespace. */
  name: K8sName,
  /** Key inside the Secret. */
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: (i) => `${shown(i.input)} is not a valid Secret key` }),
});
export type SecretKeyRef = z.infer<typeof SecretKeyRef>;

function tagOf(image: string): string | undefined {
  const lastSegment = image.split('/').pop() ?? '';
  const colon = lastSegment.lastIndexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}

/** True for `a.b.c.d/n` (n <= 32) and IPv6 `x::y/n` (n <= 128). */
export function isCidr(value: string): boolean {
  const [address, mask, ...rest] = value.split('/');
  if (rest.length > 0 || mask === undefined || !/^\d+$/.test(mask)) return false;
  const bits = Number(mask);
  if (address.includes(':')) return bits <= 128 && /^[0-9a-fA-F:]+$/.test(address);
  const octets = address.split('.');
  return bits <= 32 && octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}
