/**
 * Service level objectives, typed. Each SLO names its good and total events:
 * for availability two counters (good/total), for latency a histogram and
 * a bucket boundary (good = requests at or under the threshold). The rule
 * files get recording rules and multi-window, multi-burn-rate alerts from
 * these definitions (`charts/rules/slo.ts`), and the SLA report reads the
 * same definitions through `config/slo.ts`.
 */
import { z } from 'zod';
import { MetricName, TeamName } from './alerting';
import { Duration, shown } from './common';

/** A PromQL label matcher: `service="api"`, `code!~"5.."`. */
export const LabelMatcher = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"$/, {
    error: (i) => `${shown(i.input)} is not a label matcher; write e.g. service="api" or code!~"5.."`,
  });

/** Counters selected by name and matchers. */
export const CounterSelector = z.strictObject({
  metric: MetricName,
  matchers: z.array(LabelMatcher).default([]),
});
export type CounterSelector = z.infer<typeof CounterSelector>;

/**
 * A histogram bucket boundary written as Prometheus stores `le`: a plain
 * decimal without trailing zeros. Prometheus 3 stores `le="1"` as
 * `le="1.0"`; the rules match both forms of whole numbers.
 */
export const BucketBoundary = z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/, {
  error: (i) =>
    `${shown(i.input)} is not a histogram bucket boundary; write the "le" value of an existing bucket as a plain decimal without trailing zeros, e.g. "0.25", "0.5", "1" or "2.5"`,
});

export const AvailabilitySli = z.strictObject({
  kind: z.literal('availability'),
  /** Requests that count as good (e.g. not 5xx). */
  good: CounterSelector,
  /** Every request. */
  total: CounterSelector,
});

export const LatencySli = z.strictObject({
  kind: z.literal('latency'),
  /** Histogram base name, without `_bucket`/`_count`, e.g. `http_request_duration_seconds`. */
  histogram: MetricName,
  /** Matchers selecting the service's series; `le` is set from `threshold`. */
  matchers: z
    .array(LabelMatcher.refine((m) => !/^le\s*[=!]/.test(m), { error: 'selects on "le"; the bucket comes from "threshold", so remove this matcher' }))
    .default([]),
  /** Requests at or under this many seconds are good; must be one of the histogram's bucket boundaries. */
  threshold: BucketBoundary,
});

export const SloName = z
  .string()
  .regex(/^[a-z][-a-z0-9]*$/, { error: (i) => `${shown(i.input)} is not an SLO name; use lower case letters, digits and "-", e.g. "checkout-availability"` })
  // The SLO's dashboard is provisioned as `slo-<name>`, and Grafana dashboard names stop at 40 characters.
  .max(36, { error: 'must be at most 36 characters (it names the SLO\'s dashboard, "slo-<name>")' });

/** Objective in percent, strictly between 0 and 100. */
export const Objective = z
  .number({ error: (i) => `${shown(i.input)} is not a number; write the objective in percent, e.g. 99.9` })
  .superRefine((value, ctx) => {
    if (value >= 100) {
      ctx.addIssue({
        code: 'custom',
        message: `${value} leaves no error budget: one failed request breaks the SLO and every burn rate is infinite; use an objective below 100, e.g. 99.9`,
      });
    } else if (value <= 0) {
      ctx.addIssue({ code: 'custom', message: `${value} is not an objective; write the share of good events in percent, e.g. 99.9` });
    }
  });

export const Slo = z.strictObject({
  name: SloName,
  /** What the objective promises, for dashboards and reports. */
  description: z.string().default(''),
  /** The `service` label of the SLO's alerts, which routing and grouping use. */
  service: z.string().min(1, { error: 'must name the service the SLO is about; its alerts carry it as the "service" label' }),
  /** Team paged for this SLO. @default - `alerting.teams.slo` */
  team: TeamName.optional(),
  /** Share of good events in percent, e.g. 99.9. */
  objective: Objective,
  /** The compliance period; the burn-rate factors are the ones for 30 days. */
  window: Duration.default('30d'),
  sli: z.discriminatedUnion('kind', [AvailabilitySli, LatencySli]),
});
export type Slo = z.infer<typeof Slo>;
export type SloInput = z.input<typeof Slo>;

/** The example SLOs of the default profile, over the conventional HTTP metrics. */
export const EXAMPLE_SLOS: SloInput[] = [
  {
    name: 'api-availability',
    description: '99.9% of API requests over 30 days are answered without a server error (5xx).',
    service: 'api',
    objective: 99.9,
    window: '30d',
    sli: {
      kind: 'availability',
      good: { metric: 'http_requests_total', matchers: ['service="api"', 'code!~"5.."'] },
      total: { metric: 'http_requests_total', matchers: ['service="api"'] },
    },
  },
  {
    name: 'api-latency',
    description: '99% of API requests over 30 days are answered within 500 ms.',
    service: 'api',
    objective: 99,
    window: '30d',
    sli: { kind: 'latency', histogram: 'http_request_duration_seconds', matchers: ['service="api"'], threshold: '0.5' },
  },
];

/** Every SLO; replace the list in a profile or file to define yours (an empty list turns SLO rules off). */
export const SlosSection = z.array(Slo).default(() => EXAMPLE_SLOS.map((slo) => Slo.parse(slo)));
export type SlosSection = z.infer<typeof SlosSection>;
