/** Where the stack runs: the EKS cluster, its AWS account and the public domain of the UIs. */
import { z } from 'zod';
import { K8sName, shown } from './common';

export const ClusterSection = z.strictObject({
  /** EKS cluster name; also the `cluster` external label on every series. */
  name: K8sName.default('monitoring-dev'),
  /** Environment name; the `environment` external label. `production` turns on HA checks. */
  environment: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, { error: (i) => `${shown(i.input)} is not an environment name; use lower case, e.g. "staging" or "production"` })
    .default('dev'),
  /** AWS region of the cluster and of the AWS stack. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: (i) => `${shown(i.input)} is not an AWS region such as "eu-west-1"` })
    .default('eu-west-1'),
  /**
   * AWS account ID. Optional so the default profile synthesizes without an
   * account; required by anything that must write an ARN (IRSA, KMS).
   */
  accountId: z
    .string()
    .regex(/^\d{12}$/, { error: (i) => `${shown(i.input)} is not a 12-digit AWS account ID` })
    .optional(),
  /** DNS domain under which the UIs get their hosts (`grafana.<domain>`). */
  domain: z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: (i) => `${shown(i.input)} is not a DNS domain such as "monitoring.example.com"` })
    .default('monitoring.example.com'),
});

export const NamespacesSection = z.strictObject({
  /** Namespace of every component except node-exporter; Pod Security `restricted`. */
  monitoring: K8sName.default('monitoring'),
  /** node-exporter's own namespace, the only one with Pod Security `privileged` (hostNetwork, hostPID). */
  nodeExporter: K8sName.default('monitoring-node-exporter'),
});
