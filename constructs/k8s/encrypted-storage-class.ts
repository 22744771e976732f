/** An EBS CSI StorageClass whose volumes are always encrypted and bound in the zone of their pod. */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

export interface EncryptedStorageClassProps {
  readonly name: string;
  /** @default 'gp3' */
  readonly volumeType?: 'gp3' | 'io2';
  /** @default 3000 */
  readonly iops?: number;
  /** MiB/s. @default 125 */
  readonly throughputMiBps?: number;
  /** Customer KMS key; @default - the account's `aws/ebs` key */
  readonly kmsKeyArn?: string;
  /** @default 'Retain' */
  readonly reclaimPolicy?: 'Retain' | 'Delete';
  /**
   * Tags the EBS CSI driver puts on every volume it provisions (e.g. the
   * tag the backup Lambda snapshots by).
   * @default - none
   * @see https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/tagging.md
   */
  readonly volumeTags?: Record<string, string>;
  readonly labels?: Record<string, string>;
}

/** `tagSpecification_<n>: key=value`, the driver's form; a key or value with `=` or `,` would be split wrongly. */
function volumeTagParameters(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).map(([key, value], index) => {
      if (/[=,]/.test(key) || /,/.test(value) || key === '') throw new Error(`EncryptedStorageClass: volume tag "${key}=${value}" cannot be passed to the EBS CSI driver; keys may not contain "=" or ",", values may not contain ","`);
      return [`tagSpecification_${index + 1}`, `${key}=${value}`];
    }),
  );
}

export class EncryptedStorageClass extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: EncryptedStorageClassProps) {
    super(scope, id);
    this.name = props.name;
    const volumeType = props.volumeType ?? 'gp3';
    new k8s.KubeStorageClass(this, 'storage-class', {
      metadata: { name: props.name, labels: props.labels },
      provisioner: 'ebs.csi.aws.com',
      parameters: {
        type: volumeType,
        encrypted: 'true',
        iops: String(props.iops ?? 3000),
        ...(volumeType === 'gp3' ? { throughput: String(props.throughputMiBps ?? 125) } : {}),
        ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
        'csi.storage.k8s.io/fstype': 'ext4',
        ...volumeTagParameters(props.volumeTags ?? {}),
      },
      // EBS volumes are zonal: bind only once the pod is scheduled, or the volume may land in a zone the pod cannot reach.
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: props.reclaimPolicy ?? 'Retain',
    });
  }
}
