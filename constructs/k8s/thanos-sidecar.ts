/**
 * The Thanos sidecar that ships each Prometheus replica's finished 2-hour
 * blocks to S3 (the backup Lambda cannot read a pod's volume). It runs in
 * the Prometheus pod, reads the TSDB from the same volume, and uploads
 * with the pod's IRSA role: the objstore configuration names the bucket,
 * the prefix and the SSE-KMS key, and holds no credential.
 *
 * Prometheus must not compact blocks itself while the sidecar uploads
 * (a compacted block would be uploaded again under a new ID), so it runs
 * with `--storage.tsdb.min-block-duration=2h --storage.tsdb.max-block-duration=2h`.
 *
 * @see https://thanos.io/tip/components/sidecar.md/
 * @see https://thanos.io/tip/thanos/storage.md/#s3
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Resources } from '../../config/sections/common';
import { resources as makeResources } from '../../config/sections/common';
import { componentLabels } from './lib/labels';
import { httpProbe, resourceRequirements } from './lib/scheduling';
import { NOBODY, restrictedContainerSecurityContext } from './lib/security';
import { toYaml } from './lib/yaml';

/** HTTP port of the sidecar (`/metrics`, probes). */
export const THANOS_HTTP_PORT = 10902;
/** gRPC StoreAPI port; bound to loopback, since nothing in the stack queries it. */
export const THANOS_GRPC_PORT = 10901;
/** Prometheus flags the sidecar needs: no local compaction, 2-hour blocks. */
export const NO_LOCAL_COMPACTION_ARGS = ['--storage.tsdb.min-block-duration=2h', '--storage.tsdb.max-block-duration=2h'];
const CONFIG_DIR = '/etc/thanos';

export interface ThanosObjectStorage {
  readonly bucket: string;
  readonly region: string;
  /** Key prefix of the blocks, without slashes. */
  readonly prefix: string;
  /** KMS key (or alias) ARN for SSE-KMS. */
  readonly kmsKeyArn: string;
  /** @default `s3.<region>.amazonaws.com` */
  readonly endpoint?: string;
}

export interface ThanosSidecarProps {
  readonly namespace: string;
  /** Pinned image. */
  readonly image: string;
  readonly objectStorage: ThanosObjectStorage;
  /** Name of the objstore ConfigMap. */
  readonly configMapName: string;
  /** Where the Prometheus container mounts the TSDB volume. */
  readonly dataDir: string;
  /** Name of the TSDB volume (the volumeClaimTemplate). */
  readonly dataVolume: string;
  /** Prometheus on loopback. */
  readonly prometheusPort: number;
  /** @default - 50m / 128Mi requested, 500m / 512Mi limit */
  readonly resources?: Resources;
}

export class ThanosSidecar extends Construct {
  /** The sidecar container, for the Prometheus pod template. */
  readonly container: k8s.Container;
  /** The objstore ConfigMap volume. */
  readonly volumes: k8s.Volume[];
  /** Flags the Prometheus container needs. */
  readonly prometheusArgs: string[] = NO_LOCAL_COMPACTION_ARGS;
  /** The rendered `objstore.yml` (no credentials: IRSA). */
  readonly objstoreYaml: string;
  readonly httpPort = THANOS_HTTP_PORT;

  constructor(scope: Construct, id: string, props: ThanosSidecarProps) {
    super(scope, id);
    const storage = props.objectStorage;
    const problems: string[] = [];
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(storage.bucket)) problems.push(`'objectStorage.bucket' ("${storage.bucket}") is not an S3 bucket name`);
    if (!/^[a-z0-9][-a-z0-9_.]*$/.test(storage.prefix)) problems.push(`'objectStorage.prefix' ("${storage.prefix}") must be a prefix without slashes, e.g. "prometheus"`);
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(storage.kmsKeyArn)) problems.push(`'objectStorage.kmsKeyArn' ("${storage.kmsKeyArn}") is not a KMS key or alias ARN; blocks must be encrypted with the stack's key`);
    if (problems.length > 0) throw new Error(`ThanosSidecar: ${problems.join('; ')}`);
    this.objstoreYaml = toYaml({
      type: 'S3',
      prefix: storage.prefix,
      config: {
        bucket: storage.bucket,
        endpoint: storage.endpoint ?? `s3.${storage.region}.amazonaws.com`,
        region: storage.region,
        // No access_key/secret_key: the AWS SDK chain picks up the IRSA web identity token.
        sse_config: { type: 'SSE-KMS', kms_key_id: storage.kmsKeyArn },
      },
    });
    new k8s.KubeConfigMap(this, 'objstore', {
      metadata: { name: props.configMapName, namespace: props.namespace, labels: componentLabels('thanos-sidecar', 'metrics', props.image) },
      data: { 'objstore.yml': this.objstoreYaml },
    });
    this.volumes = [{ name: 'thanos-objstore', configMap: { name: props.configMapName } }];
    this.container = {
      name: 'thanos-sidecar',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      args: [
        'sidecar',
        `--tsdb.path=${props.dataDir}`,
        `--prometheus.url=http://127.0.0.1:${props.prometheusPort}`,
        `--objstore.config-file=${CONFIG_DIR}/objstore.yml`,
        `--grpc-address=127.0.0.1:${THANOS_GRPC_PORT}`,
        `--http-address=0.0.0.0:${THANOS_HTTP_PORT}`,
        '--log.format=json',
      ],
      ports: [{ name: 'thanos-http', containerPort: THANOS_HTTP_PORT, protocol: 'TCP' }],
      resources: resourceRequirements(props.resources ?? makeResources('50m', '128Mi', '500m', '512Mi')),
      securityContext: restrictedContainerSecurityContext(NOBODY),
      readinessProbe: httpProbe('/-/ready', 'thanos-http', 10, 3),
      livenessProbe: httpProbe('/-/healthy', 'thanos-http', 15, 4),
      volumeMounts: [
        // Read-write: the sidecar records what it uploaded in thanos.shipper.json beside the blocks.
        { name: props.dataVolume, mountPath: props.dataDir },
        { name: 'thanos-objstore', mountPath: CONFIG_DIR, readOnly: true },
      ],
    };
  }
}
