/**
 * The AWS side (the cdktf app) and the names it shares with the Kubernetes
 * side: the backup bucket and its key, the IRSA roles and the
 * ServiceAccounts they trust, the Lambdas' network, alarms and
 * notifications.
 *
 * The `default` profile synthesizes without an AWS account: every value
 * that only the user's account can supply has a placeholder made of zeros
 * or `EXAMPLE` (account `000000000000`, `subnet-00000000000000000`), which
 * no real resource has. `requireRealValues: true` refuses every
 * placeholder before synthesis (see `checkAwsPlaceholders`), and the
 * provider's `allowed_account_ids` stops Terraform from touching any real
 * account while the placeholder account is configured.
 */
import { z } from 'zod';
import { Cidr, Duration, shown } from './common';
import { SlaReportSection } from './sla-report';

/** An account no one has: the default profile's stand-in for `cluster.accountId`. */
export const PLACEHOLDER_ACCOUNT_ID = '000000000000';
/** The EKS OIDC issuer of the default profile: the shape AWS documents, with EXAMPLE in place of the cluster's ID. */
export const PLACEHOLDER_OIDC_ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const PLACEHOLDER_SUBNET_IDS = ['subnet-00000000000000000', 'subnet-00000000000000001'];
export const PLACEHOLDER_SECURITY_GROUP_IDS = ['sg-00000000000000000'];

const SubnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: (i) => `${shown(i.input)} is not a subnet ID such as "subnet-0a1b2c3d4e5f60718"` });
const SecurityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: (i) => `${shown(i.input)} is not a security group ID such as "sg-0a1b2c3d4e5f60718"` });
const BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: (i) => `${shown(i.input)} is not an S3 bucket name (3-63 lower-case letters, digits, "." and "-")` })
  .refine((name) => !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name), { error: (i) => `${shown(i.input)} is not a valid S3 bucket name` });
const IamName = z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: (i) => `${shown(i.input)} is not an IAM name (up to 64 of letters, digits and +=,.@_-)` });
const SecretArn = z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/, {
  error: (i) => `${shown(i.input)} is not a Secrets Manager secret ARN such as "arn:aws:secretsmanager:eu-west-1:123456789012:secret:monitoring/grafana-token-AbCdEf"`,
});
const HttpUrl = z.url({ protocol: /^https?$/, error: (i) => `${shown(i.input)} is not an http(s) URL` });
/** An EventBridge Scheduler expression. */
const ScheduleExpression = z.string().regex(/^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, {
  error: (i) => `${shown(i.input)} is not a schedule expression such as "cron(0 2 * * ? *)" or "rate(1 hour)"`,
});
/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const LogRetentionDays = z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
  error: (i) => `${shown(i.input)} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(', ')}`,
});
/** A webhook endpoint for SNS. Credentials do not belong in a URL that Terraform state and the console show. */
const WebhookUrl = z
  .url({ protocol: /^https$/, error: (i) => `${shown(i.input)} is not an https URL; SNS webhooks must use TLS` })
  .refine((url) => !/^https:\/\/[^/]*@/.test(url) && !/[?&](token|key|secret|signature|sig|password)=/i.test(url), {
    error: (i) => `${shown(i.input)} carries a credential (user info or a token parameter); Terraform state would hold it. Authenticate the endpoint another way (e.g. verify the SNS message signature)`,
  });

const S3Backend = z.strictObject({
  /** State bucket (created outside this stack: a stack cannot hold its own state). */
  bucket: BucketName,
  /** @default - `<cluster.name>/monitoring.tfstate` */
  key: z.string().min(1).optional(),
  /** @default - `cluster.region` */
  region: z.string().optional(),
  /** DynamoDB table with a `LockID` string hash key, for state locking. */
  dynamodbTable: z.string().min(3),
  /** KMS key for the state object; @default - the bucket's default encryption */
  kmsKeyId: z.string().optional(),
});

const Volume = (size: number) =>
  z
    .strictObject({
      /** Size in GiB. */
      sizeGiB: z.number().int().min(1).max(16384).default(size),
      /** gp3 IOPS (baseline 3000). */
      iops: z.number().int().min(3000).max(16000).default(3000),
      /** gp3 throughput in MiB/s (baseline 125). */
      throughputMiBps: z.number().int().min(125).max(1000).default(125),
    })
    .prefault({});

export const AwsSection = z.strictObject({
  /**
   * Refuse every placeholder (account, OIDC issuer, subnets, security
   * groups, secret ARNs) and require at least one alarm subscription. Set
   * it in the configuration file of a real deployment.
   */
  requireRealValues: z.boolean().default(false),
  /** Name of the cdktf stack: `cdktf.out/stacks/<stackName>/cdk.tf.json`. */
  stackName: z.string().regex(/^[a-z][a-z0-9-]*$/).default('monitoring'),
  /** Where Terraform keeps state. */
  backend: z
    .strictObject({
      type: z.enum(['local', 's3']).default('local'),
      /** Local state file, relative to the stack's folder in cdktf.out. */
      localPath: z.string().default('terraform.monitoring.tfstate'),
      /** Required when `type` is `s3`. */
      s3: S3Backend.optional(),
    })
    .prefault({}),
  kms: z
    .strictObject({
      /** Alias of the customer key (`alias/...`). */
      alias: z.string().regex(/^alias\/[a-zA-Z0-9/_-]+$/, { error: (i) => `${shown(i.input)} is not a KMS alias such as "alias/monitoring"` }).default('alias/monitoring'),
      /** Days KMS waits before deleting the key once deletion is scheduled (7-30). */
      deletionWindowDays: z.number().int().min(7).max(30).default(30),
      /** Encrypt dynamically provisioned volumes (the StorageClass) with this key, unless `storage.kmsKeyArn` names another. */
      useForStorageClass: z.boolean().default(true),
    })
    .prefault({}),
  buckets: z
    .strictObject({
      /** @default - `<cluster.name>-backups-<accountId>` */
      backup: BucketName.optional(),
      /** Target of the backup bucket's server access logs. @default - `<cluster.name>-access-logs-<accountId>` */
      accessLogs: BucketName.optional(),
      /** Days after which backups (and Prometheus blocks) expire. */
      expireAfterDays: z.number().int().min(1).default(90),
      /** Days after which overwritten or deleted versions expire. */
      noncurrentVersionsAfterDays: z.number().int().min(1).default(30),
      /** Days after which incomplete multipart uploads are aborted. */
      abortMultipartAfterDays: z.number().int().min(1).default(7),
      /** Days access logs are kept. */
      accessLogsExpireAfterDays: z.number().int().min(1).default(365),
      /** S3 Object Lock on the backup bucket (set at creation only). */
      objectLock: z
        .strictObject({
          enabled: z.boolean().default(false),
          mode: z.enum(['GOVERNANCE', 'COMPLIANCE']).default('GOVERNANCE'),
          days: z.number().int().min(1).default(30),
        })
        .prefault({}),
    })
    .prefault({}),
  /** The EKS cluster's OIDC issuer; IRSA roles trust its provider. */
  oidcIssuerUrl: z
    .url({ protocol: /^https$/, error: (i) => `${shown(i.input)} is not an https OIDC issuer URL such as "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF"` })
    .default(PLACEHOLDER_OIDC_ISSUER),
  /** Prometheus blocks shipped to the bucket by the Thanos sidecar. */
  prometheusBlocks: z
    .strictObject({
      /** Run the Thanos sidecar in each Prometheus pod. */
      enabled: z.boolean().default(true),
      /** Key prefix of the blocks in the backup bucket (no leading or trailing "/"). */
      prefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: (i) => `${shown(i.input)} is not a prefix such as "prometheus"` }).default('prometheus'),
      /** IAM role of the Prometheus ServiceAccount. @default - `<cluster.name>-prometheus-blocks` */
      roleName: IamName.optional(),
      /** The backup verifies that each replica's newest block ended at most this long ago. */
      maxBlockAge: Duration.default('6h'),
      /**
       * Where the sidecar may connect on 443 (S3 and STS). S3, and STS without
       * an interface endpoint, answer on public addresses, even through a
       * gateway endpoint; add your VPC's CIDR if STS has an interface endpoint.
       */
      egressCidrs: z.array(Cidr).min(1).default(['0.0.0.0/0']),
      /** Ranges excluded from `egressCidrs`: by default the private ranges, so the pod cannot reach inside the VPC. */
      egressExcept: z.array(Cidr).default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
    })
    .prefault({}),
  /** Network of every Lambda: they call in-cluster endpoints. */
  lambdaNetwork: z
    .strictObject({
      subnetIds: z.array(SubnetId).min(1, { error: 'needs at least one subnet: the Lambdas run in the VPC to reach the cluster' }).default(PLACEHOLDER_SUBNET_IDS),
      securityGroupIds: z.array(SecurityGroupId).min(1, { error: 'needs at least one security group' }).default(PLACEHOLDER_SECURITY_GROUP_IDS),
    })
    .prefault({}),
  /** Log retention of the Lambdas' log groups, in days. */
  logRetentionDays: LogRetentionDays.default(30),
  backup: z
    .strictObject({
      /** EventBridge Scheduler expression, in `scheduleTimezone`. */
      schedule: ScheduleExpression.default('cron(0 2 * * ? *)'),
      scheduleTimezone: z.string().default('UTC'),
      memoryMiB: z.number().int().min(128).max(10240).default(512),
      timeoutSeconds: z.number().int().min(30).max(900).default(600),
      /** 1: two backups at once would race on the same day's objects. */
      reservedConcurrency: z.number().int().min(1).max(10).default(1),
      /** Grafana's HTTP API as the Lambdas reach it (internal load balancer or private DNS). @default - `https://grafana.<cluster.domain>` */
      grafanaUrl: HttpUrl.optional(),
      /** Secret with a Grafana service-account token (Viewer role is enough). @default - a placeholder ARN */
      grafanaTokenSecretArn: SecretArn.optional(),
      /** @default - `http://alertmanager.<namespace>.svc.cluster.local:9093`; must be reachable from the Lambda subnets */
      alertmanagerUrl: HttpUrl.optional(),
      /** @default - `http://pushgateway.<namespace>.svc.cluster.local:9091`; must be reachable from the Lambda subnets */
      pushgatewayUrl: HttpUrl.optional(),
      /** Prometheus's HTTP API for the Lambdas that query it (SLA report). @default - the internal load balancer `http://prometheus.<network.lambdaEndpoints.privateDomain>:9090` (or the in-cluster name when those are off); must be reachable from the Lambda subnets */
      prometheusUrl: HttpUrl.optional(),
      /** EBS volumes with this tag (key=value) are snapshotted daily. */
      volumeTag: z.strictObject({ key: z.string().min(1).default('monitoring.backup'), value: z.string().min(1).default('daily') }).prefault({}),
      /** Days the Lambda keeps its own snapshots. */
      snapshotRetentionDays: z.number().int().min(1).default(7),
      /**
       * Tag the volumes the StorageClass provisions (Alertmanager, Grafana,
       * Loki, Pushgateway and Prometheus claims) with `volumeTag`, so the
       * daily run snapshots them too. Off, only the pre-created volumes of
       * `aws.volumes` are snapshotted.
       */
      snapshotProvisionedVolumes: z.boolean().default(true),
      /** CloudWatch namespace of the success metric the freshness alarm reads. */
      metricNamespace: z.string().default('Monitoring/Backup'),
    })
    .prefault({}),
  /** The SLA report Lambda (`config/sections/sla-report.ts`). */
  slaReport: SlaReportSection.prefault({}),
  alarms: z
    .strictObject({
      prometheusCpuPercent: z.number().min(1).max(100).default(80),
      prometheusMemoryPercent: z.number().min(1).max(100).default(85),
      prometheusDiskPercent: z.number().min(1).max(100).default(85),
      /** A Lambda's duration alarm fires above this share of its timeout. */
      lambdaDurationShareOfTimeout: z.number().gt(0).lt(1).default(0.8),
      /** Hours without a successful backup before the freshness alarm fires. */
      backupFreshnessHours: z.number().int().min(1).max(168).default(26),
    })
    .prefault({}),
  notifications: z
    .strictObject({
      /** Email addresses subscribed to the alarm topic (each must confirm). */
      emails: z.array(z.email()).default([]),
      /** HTTPS endpoints subscribed to the alarm topic. */
      webhooks: z.array(WebhookUrl).default([]),
    })
    .prefault({}),
  /** Pre-created EBS volumes for the stateful components (optional). */
  volumes: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Zones to create one set of volumes in. */
      availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { error: (i) => `${shown(i.input)} is not an availability zone such as "eu-west-1a"` })).min(1).default(['eu-west-1a']),
      prometheus: Volume(100),
      grafana: Volume(20),
      loki: Volume(50),
    })
    .prefault({}),
  /** Extra tags on every resource (project, cluster and environment are always set). */
  tags: z.record(z.string(), z.string()).default({}),
});
export type AwsSection = z.infer<typeof AwsSection>;
