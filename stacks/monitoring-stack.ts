/**
 * The AWS side of the monitoring stack, from the typed configuration: the
 * key, the backup and access-log buckets, the Prometheus IRSA role the
 * Thanos sidecar uses, the alert topic and its alarms, the optional EBS
 * volumes, and the scheduled backup Lambda. Config is mapped to props
 * here; the constructs read nothing themselves.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { MonitoringConfig } from '../config';
import { awsNames } from '../config/aws-names';
import { lokiS3Names } from '../config/loki-names';
import { AccessLogBucket } from '../constructs/aws/access-log-bucket';
import { AlertTopic } from '../constructs/aws/alert-topic';
import { BackupBucket } from '../constructs/aws/backup-bucket';
import { BackupFreshnessAlarm } from '../constructs/aws/backup-freshness-alarm';
import { IrsaRole } from '../constructs/aws/irsa-role';
import { LokiBucket } from '../constructs/aws/loki-bucket';
import { arn, type ArnContext } from '../constructs/aws/lib/iam';
import { MonitoringKey } from '../constructs/aws/monitoring-key';
import { MonitoringVolumes } from '../constructs/aws/monitoring-volumes';
import { PrometheusAlarms } from '../constructs/aws/prometheus-alarms';
import { ScheduledLambda } from '../constructs/aws/scheduled-lambda';
import { BACKUP_ENV } from '../lambdas/backup/settings';
import { CLUSTER_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../lambdas/backup/snapshots';
import { AnomalyCheckFunction } from './anomaly-check-function';
import type { LambdaBundle } from './lambda-bundle';
import { SlaReportFunction } from './sla-report-function';

/** The provider version the stack is written and tested against (the mirror in CI has exactly this one). */
export const AWS_PROVIDER_VERSION = '5.100.0';
/** Prefix of the backup exports and manifests in the bucket. */
export const EXPORTS_PREFIX = 'exports';

/** Bundles the stack deploys, built before it (asset hashes are taken at construction). */
export interface StackBundles {
  readonly backup: LambdaBundle;
}

export class MonitoringStack extends TerraformStack {
  readonly key: MonitoringKey;
  readonly backupBucket: BackupBucket;
  readonly accessLogBucket: AccessLogBucket;
  readonly topic: AlertTopic;
  readonly prometheusRole?: IrsaRole;
  readonly lokiBucket?: LokiBucket;
  readonly lokiRole?: IrsaRole;
  readonly backup: ScheduledLambda;
  readonly volumes?: MonitoringVolumes;

  constructor(scope: Construct, id: string, config: MonitoringConfig, bundles: StackBundles) {
    super(scope, id);
    const { aws, cluster } = config;
    const names = awsNames(config);
    const ctx: ArnContext = { partition: names.partition, region: names.region, accountId: names.accountId };
    const tags = { 'monitoring.stack/component': 'aws' };

    new AwsProvider(this, 'aws', {
      region: cluster.region,
      // Terraform refuses any other account: with the placeholder account configured, nothing real can be touched.
      allowedAccountIds: [names.accountId],
      defaultTags: [{ tags: { project: 'monitoring-stack', cluster: cluster.name, environment: cluster.environment, ...aws.tags } }],
    });
    this.addOverride('terraform.required_providers.aws.version', AWS_PROVIDER_VERSION);
    this.configureBackend(config);

    this.key = new MonitoringKey(this, 'key', { context: ctx, alias: aws.kms.alias, deletionWindowDays: aws.kms.deletionWindowDays, logGroupPattern: '/aws/lambda/*', tags });
    this.accessLogBucket = new AccessLogBucket(this, 'access-logs', {
      bucketName: names.accessLogBucket,
      context: ctx,
      expireAfterDays: aws.buckets.accessLogsExpireAfterDays,
      noncurrentVersionsAfterDays: aws.buckets.noncurrentVersionsAfterDays,
      abortMultipartAfterDays: aws.buckets.abortMultipartAfterDays,
      tags,
    });
    this.backupBucket = new BackupBucket(this, 'backups', {
      bucketName: names.backupBucket,
      kmsKeyArn: this.key.arn,
      accessLogs: this.accessLogBucket,
      expireAfterDays: aws.buckets.expireAfterDays,
      noncurrentVersionsAfterDays: aws.buckets.noncurrentVersionsAfterDays,
      abortMultipartAfterDays: aws.buckets.abortMultipartAfterDays,
      objectLock: aws.buckets.objectLock.enabled ? { mode: aws.buckets.objectLock.mode, days: aws.buckets.objectLock.days } : undefined,
      tags,
    });

    if (names.prometheusBlocks.enabled) {
      const blocks = names.prometheusBlocks;
      this.prometheusRole = new IrsaRole(this, 'prometheus-role', {
        roleName: blocks.roleName,
        oidcProviderArn: names.oidcProviderArn,
        oidcIssuer: names.oidcIssuer,
        namespace: blocks.serviceAccount.namespace,
        serviceAccount: blocks.serviceAccount.name,
        description: 'Thanos sidecar of each Prometheus pod: uploads finished blocks to the backup bucket',
        tags,
      });
      // The sidecar uploads blocks and reads them back to check them; it never deletes.
      this.backupBucket.grantList(this.prometheusRole, [blocks.prefix], 'ListBlocks');
      this.backupBucket.grantRead(this.prometheusRole, blocks.prefix, 'ReadBlocks');
      this.backupBucket.grantWrite(this.prometheusRole, blocks.prefix, 'UploadBlocks');
      this.backupBucket.grantKeyUse(this.prometheusRole);
    }

    if (config.loki.storage.type === 's3') ({ bucket: this.lokiBucket, role: this.lokiRole } = this.addLokiStorage(config, tags));

    this.topic = new AlertTopic(this, 'alerts', {
      topicName: `${cluster.name}-monitoring-alerts`,
      kmsKeyArn: this.key.arn,
      context: ctx,
      emails: aws.notifications.emails,
      webhooks: aws.notifications.webhooks,
      tags,
    });
    new PrometheusAlarms(this, 'prometheus-alarms', {
      clusterName: cluster.name,
      namespace: config.namespaces.monitoring,
      topicArn: this.topic.arn,
      cpuPercent: aws.alarms.prometheusCpuPercent,
      memoryPercent: aws.alarms.prometheusMemoryPercent,
      diskPercent: aws.alarms.prometheusDiskPercent,
      tags,
    });

    if (aws.volumes.enabled) {
      this.volumes = new MonitoringVolumes(this, 'volumes', {
        namePrefix: cluster.name,
        kmsKeyArn: this.key.arn,
        availabilityZones: aws.volumes.availabilityZones,
        volumes: { prometheus: aws.volumes.prometheus, grafana: aws.volumes.grafana, loki: aws.volumes.loki },
        backupTag: aws.backup.volumeTag,
        tags,
      });
    }

    const scheduleGroup = new SchedulerScheduleGroup(this, 'schedule-group', { name: `${cluster.name}-monitoring`, tags });
    this.backup = this.addBackupLambda(config, ctx, bundles.backup, scheduleGroup.name, tags);
    new BackupFreshnessAlarm(this, 'backup-freshness', { clusterName: cluster.name, metricNamespace: aws.backup.metricNamespace, topicArn: this.topic.arn, hours: aws.alarms.backupFreshnessHours, tags });
    if (AnomalyCheckFunction.wanted(config)) new AnomalyCheckFunction(this, 'anomaly-check', { config, context: ctx, kmsKeyArn: this.key.arn, topicArn: this.topic.arn, scheduleGroupName: scheduleGroup.name, tags });
    if (SlaReportFunction.wanted(config)) new SlaReportFunction(this, 'sla-report', { config, context: ctx, kmsKeyArn: this.key.arn, bucket: this.backupBucket, topicArn: this.topic.arn, scheduleGroupName: scheduleGroup.name, tags });

    new TerraformOutput(this, 'backup_bucket', { value: this.backupBucket.bucket.bucket });
    new TerraformOutput(this, 'kms_key_arn', { value: this.key.arn });
    new TerraformOutput(this, 'kms_alias_arn', { value: this.key.aliasArn });
    new TerraformOutput(this, 'alert_topic_arn', { value: this.topic.arn });
    new TerraformOutput(this, 'backup_function_name', { value: this.backup.function.functionName });
    if (this.prometheusRole) new TerraformOutput(this, 'prometheus_role_arn', { value: this.prometheusRole.arn });
    if (this.lokiBucket) new TerraformOutput(this, 'loki_bucket', { value: this.lokiBucket.bucket.bucket });
    if (this.lokiRole) new TerraformOutput(this, 'loki_role_arn', { value: this.lokiRole.arn });
  }

  /**
   * Loki's bucket and the IRSA role of its ServiceAccount, named as the
   * Kubernetes side expects them (`config/loki-names.ts`). A role ARN given
   * in `loki.storage.s3.roleArn` is the user's own: the stack then creates
   * the bucket only.
   */
  private addLokiStorage(config: MonitoringConfig, tags: Record<string, string>): { bucket: LokiBucket; role?: IrsaRole } {
    const names = awsNames(config);
    const loki = lokiS3Names(config);
    const s3 = config.loki.storage.s3;
    // The bucket is encrypted with the stack's key unless the user named another; IAM grants need the key's ARN, not its alias.
    const bucket = new LokiBucket(this, 'loki-bucket', {
      bucketName: loki.bucket,
      kmsKeyArn: s3.kmsKeyArn ?? this.key.arn,
      accessLogs: this.accessLogBucket,
      retentionDays: config.loki.retentionDays,
      abortMultipartAfterDays: config.aws.buckets.abortMultipartAfterDays,
      tags,
    });
    if (s3.roleArn) return { bucket };
    const role = new IrsaRole(this, 'loki-role', {
      roleName: loki.roleName,
      oidcProviderArn: names.oidcProviderArn,
      oidcIssuer: names.oidcIssuer,
      namespace: loki.serviceAccount.namespace,
      serviceAccount: loki.serviceAccount.name,
      description: 'Loki: chunks and index in its bucket, deleted by its compactor after the retention',
      tags,
    });
    bucket.grantLokiAccess(role);
    return { bucket, role };
  }

  private configureBackend(config: MonitoringConfig): void {
    const backend = config.aws.backend;
    if (backend.type === 's3' && backend.s3) {
      new S3Backend(this, {
        bucket: backend.s3.bucket,
        key: backend.s3.key ?? `${config.cluster.name}/monitoring.tfstate`,
        region: backend.s3.region ?? config.cluster.region,
        dynamodbTable: backend.s3.dynamodbTable,
        encrypt: true,
        kmsKeyId: backend.s3.kmsKeyId,
      });
    } else {
      new LocalBackend(this, { path: backend.localPath });
    }
  }

  /** The daily backup: least privilege over the bucket prefixes, the key, its secret, tagged volumes and its metric namespace. */
  private addBackupLambda(config: MonitoringConfig, ctx: ArnContext, bundle: LambdaBundle, scheduleGroupName: string, tags: Record<string, string>): ScheduledLambda {
    const { aws, cluster, prometheus } = config;
    const names = awsNames(config);
    const backup = aws.backup;
    const replicas = Array.from({ length: prometheus.replicas }, (_, i) => `prometheus-${i}`);
    const fn = new ScheduledLambda(this, 'backup', {
      functionName: names.backupFunctionName,
      description: 'Daily monitoring backup: verifies Prometheus blocks, exports Grafana and Alertmanager, snapshots volumes, writes a manifest',
      code: bundle,
      context: ctx,
      kmsKeyArn: this.key.arn,
      alarmTopicArn: this.topic.arn,
      scheduleExpression: backup.schedule,
      scheduleTimezone: backup.scheduleTimezone,
      scheduleGroupName,
      subnetIds: aws.lambdaNetwork.subnetIds,
      securityGroupIds: aws.lambdaNetwork.securityGroupIds,
      memoryMiB: backup.memoryMiB,
      timeoutSeconds: backup.timeoutSeconds,
      reservedConcurrency: backup.reservedConcurrency,
      logRetentionDays: aws.logRetentionDays,
      durationAlarmShare: aws.alarms.lambdaDurationShareOfTimeout,
      environment: {
        [BACKUP_ENV.clusterName]: cluster.name,
        [BACKUP_ENV.bucket]: names.backupBucket,
        [BACKUP_ENV.kmsKeyArn]: this.key.arn,
        [BACKUP_ENV.blocksPrefix]: names.prometheusBlocks.prefix,
        [BACKUP_ENV.blocksExpectedReplicas]: replicas.join(','),
        [BACKUP_ENV.blocksMaxAge]: aws.prometheusBlocks.maxBlockAge,
        [BACKUP_ENV.grafanaUrl]: names.grafanaUrl,
        [BACKUP_ENV.grafanaTokenSecretArn]: names.grafanaTokenSecretArn,
        [BACKUP_ENV.alertmanagerUrl]: names.alertmanagerUrl,
        [BACKUP_ENV.pushgatewayUrl]: names.pushgatewayUrl,
        [BACKUP_ENV.snapshotTagKey]: backup.volumeTag.key,
        [BACKUP_ENV.snapshotTagValue]: backup.volumeTag.value,
        [BACKUP_ENV.snapshotRetentionDays]: String(backup.snapshotRetentionDays),
        [BACKUP_ENV.metricNamespace]: backup.metricNamespace,
      },
      tags,
    });
    const role = fn.role;
    const bucket = this.backupBucket;
    bucket.grantList(role, [names.prometheusBlocks.prefix, EXPORTS_PREFIX], 'ListBlocksAndExports');
    bucket.grantRead(role, names.prometheusBlocks.prefix, 'ReadBlockMetadata');
    bucket.grantRead(role, EXPORTS_PREFIX, 'ReadManifests');
    bucket.grantWrite(role, EXPORTS_PREFIX, 'WriteExports');
    role.addToPolicy({ sid: 'ReadGrafanaToken', actions: ['secretsmanager:GetSecretValue'], resources: [names.grafanaTokenSecretArn] });
    // Describe* has no resource-level permissions; the changes below are scoped by tag.
    role.addToPolicy({ sid: 'FindVolumesAndSnapshots', actions: ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots'], resources: ['*'] });
    role.addToPolicy({
      sid: 'SnapshotTaggedVolumes',
      actions: ['ec2:CreateSnapshot'],
      resources: [arn(ctx, 'ec2', 'volume/*')],
      conditions: [{ test: 'StringEquals', variable: `aws:ResourceTag/${backup.volumeTag.key}`, values: [backup.volumeTag.value] }],
    });
    role.addToPolicy({
      sid: 'CreateOwnSnapshots',
      actions: ['ec2:CreateSnapshot'],
      resources: [arn(ctx, 'ec2', 'snapshot/*', ctx.region, '')],
      conditions: [
        { test: 'StringEquals', variable: `aws:RequestTag/${MANAGED_BY_TAG}`, values: [MANAGED_BY_VALUE] },
        { test: 'StringEquals', variable: `aws:RequestTag/${CLUSTER_TAG}`, values: [cluster.name] },
      ],
    });
    role.addToPolicy({
      sid: 'TagSnapshotsAtCreation',
      actions: ['ec2:CreateTags'],
      resources: [arn(ctx, 'ec2', 'snapshot/*', ctx.region, '')],
      conditions: [{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['CreateSnapshot'] }],
    });
    role.addToPolicy({
      sid: 'DeleteOwnSnapshots',
      actions: ['ec2:DeleteSnapshot'],
      resources: [arn(ctx, 'ec2', 'snapshot/*', ctx.region, '')],
      conditions: [
        { test: 'StringEquals', variable: `aws:ResourceTag/${MANAGED_BY_TAG}`, values: [MANAGED_BY_VALUE] },
        { test: 'StringEquals', variable: `aws:ResourceTag/${CLUSTER_TAG}`, values: [cluster.name] },
      ],
    });
    role.addToPolicy({
      sid: 'PutBackupMetric',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: [{ test: 'StringEquals', variable: 'cloudwatch:namespace', values: [backup.metricNamespace] }],
    });
    return fn;
  }
}
