/** The StorageClass every monitoring volume is provisioned from (EBS CSI driver). */
import { z } from 'zod';
import { K8sName, shown } from './common';

export const StorageSection = z.strictObject({
  /** Name of the StorageClass the stack creates and its volumes use. */
  className: K8sName.default('monitoring-gp3'),
  /** EBS volume type. gp3 decouples IOPS and throughput from size. */
  volumeType: z.enum(['gp3', 'io2']).default('gp3'),
  /** Provisioned IOPS (gp3 baseline 3000). */
  iops: z.number().int().min(3000).max(16000).default(3000),
  /** Provisioned throughput in MiB/s (gp3 baseline 125). */
  throughputMiBps: z.number().int().min(125).max(1000).default(125),
  /**
   * KMS key for volume encryption; the AWS stack's key in production.
   * Without it EBS uses the account's default `aws/ebs` key; volumes are
   * encrypted either way.
   */
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[-a-zA-Z0-9/_]+$/, { error: (i) => `${shown(i.input)} is not a KMS key or alias ARN` })
    .optional(),
  /** `Retain` keeps monitoring data when a claim is deleted by mistake. */
  reclaimPolicy: z.enum(['Retain', 'Delete']).default('Retain'),
});
export type StorageSection = z.infer<typeof StorageSection>;
