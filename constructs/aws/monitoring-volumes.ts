/**
 * Pre-created EBS volumes for the stateful components, for users who bind
 * PersistentVolumes to known volumes rather than provision dynamically:
 * gp3, encrypted with the stack's key, one per component per zone, tagged
 * so the backup Lambda snapshots them.
 */
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Construct } from 'constructs';

export interface VolumeSpec {
  readonly sizeGiB: number;
  /** @default 3000 */
  readonly iops?: number;
  /** MiB/s. @default 125 */
  readonly throughputMiBps?: number;
}

export interface MonitoringVolumesProps {
  /** Name prefix, e.g. the cluster name. */
  readonly namePrefix: string;
  readonly kmsKeyArn: string;
  readonly availabilityZones: readonly string[];
  /** Volumes by component name (`prometheus`, `grafana`, `loki`). */
  readonly volumes: Record<string, VolumeSpec>;
  /** The tag the backup Lambda selects volumes by. */
  readonly backupTag: { readonly key: string; readonly value: string };
  readonly tags?: Record<string, string>;
}

export class MonitoringVolumes extends Construct {
  /** Volumes by `<component>-<zone>`. */
  readonly volumes = new Map<string, EbsVolume>();

  constructor(scope: Construct, id: string, props: MonitoringVolumesProps) {
    super(scope, id);
    const problems: string[] = [];
    if (props.availabilityZones.length === 0) problems.push("'availabilityZones' is empty; EBS volumes are zonal, name at least one zone");
    for (const [component, spec] of Object.entries(props.volumes)) {
      const iops = spec.iops ?? 3000;
      const throughput = spec.throughputMiBps ?? 125;
      if (spec.sizeGiB < 1 || spec.sizeGiB > 16384) problems.push(`'volumes.${component}.sizeGiB' (${spec.sizeGiB}) must be 1-16384 for gp3`);
      if (iops < 3000 || iops > 16000 || iops > spec.sizeGiB * 500) problems.push(`'volumes.${component}.iops' (${iops}) must be 3000-16000 and at most 500 per GiB (${spec.sizeGiB * 500})`);
      if (throughput < 125 || throughput > 1000 || throughput > iops / 4) problems.push(`'volumes.${component}.throughputMiBps' (${throughput}) must be 125-1000 and at most IOPS/4 (${iops / 4})`);
    }
    if (problems.length > 0) throw new Error(`MonitoringVolumes: ${problems.join('; ')}`);
    for (const zone of props.availabilityZones) {
      for (const [component, spec] of Object.entries(props.volumes)) {
        const name = `${props.namePrefix}-${component}-${zone}`;
        this.volumes.set(
          `${component}-${zone}`,
          new EbsVolume(this, `${component}-${zone}`, {
            availabilityZone: zone,
            type: 'gp3',
            size: spec.sizeGiB,
            iops: spec.iops ?? 3000,
            throughput: spec.throughputMiBps ?? 125,
            encrypted: true,
            kmsKeyId: props.kmsKeyArn,
            tags: { ...props.tags, Name: name, 'app.kubernetes.io/name': component, [props.backupTag.key]: props.backupTag.value },
          }),
        );
      }
    }
  }
}
