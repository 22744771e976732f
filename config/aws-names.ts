/**
 * Names both apps derive from one configuration, so the AWS stack and the
 * Kubernetes manifests agree: the bucket the Thanos sidecar writes to is
 * the bucket the stack creates, the role ARN on the Prometheus
 * ServiceAccount is the role whose trust policy names that ServiceAccount,
 * and the StorageClass encrypts with the stack's key.
 */
import { lambdaEndpoints } from './endpoints';
import type { MonitoringConfig } from './schema';
import { PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_OIDC_ISSUER, PLACEHOLDER_SECURITY_GROUP_IDS, PLACEHOLDER_SUBNET_IDS } from './sections/aws';

/** The Prometheus ServiceAccount (`Prometheus.NAME` on the Kubernetes side; a test keeps the two equal). */
export const PROMETHEUS_SERVICE_ACCOUNT = 'prometheus';

/** A Kubernetes ServiceAccount an IRSA role trusts. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

export interface AwsNames {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly backupBucket: string;
  readonly accessLogBucket: string;
  /** `arn:aws:kms:<region>:<account>:alias/...`: usable wherever a key ARN is (EBS, S3 SSE-KMS), stable across key replacement. */
  readonly kmsAliasArn: string;
  /** Issuer host and path, as IAM condition keys spell it (`oidc.eks...amazonaws.com/id/...`). */
  readonly oidcIssuer: string;
  readonly oidcProviderArn: string;
  readonly prometheusBlocks: {
    readonly enabled: boolean;
    /** Key prefix without slashes. */
    readonly prefix: string;
    readonly roleName: string;
    readonly roleArn: string;
    readonly serviceAccount: ServiceAccountRef;
  };
  readonly backupFunctionName: string;
  readonly grafanaUrl: string;
  readonly grafanaTokenSecretArn: string;
  /** An Alertmanager as the backup Lambda reaches it: `aws.backup.alertmanagerUrl`, else the first internal load balancer when enabled, else the in-cluster name. */
  readonly alertmanagerUrl: string;
  /** The Pushgateway as the Lambdas reach it: `aws.backup.pushgatewayUrl`, else its internal load balancer when enabled, else the in-cluster name. */
  readonly pushgatewayUrl: string;
  /**
   * Prometheus's HTTP API as the Lambdas reach it: `aws.backup.prometheusUrl`,
   * else the internal load balancer of `config/endpoints.ts` when enabled,
   * else the in-cluster name.
   */
  readonly prometheusUrl: string;
  readonly slaReportFunctionName: string;
}

/** Every cross-app AWS name of a configuration. */
export function awsNames(config: MonitoringConfig): AwsNames {
  const { aws, cluster, namespaces } = config;
  const accountId = cluster.accountId ?? PLACEHOLDER_ACCOUNT_ID;
  const partition = cluster.region.startsWith('cn-') ? 'aws-cn' : cluster.region.includes('-gov-') ? 'aws-us-gov' : 'aws';
  const oidcIssuer = aws.oidcIssuerUrl.replace(/^https:\/\//, '').replace(/\/$/, '');
  const roleName = aws.prometheusBlocks.roleName ?? `${cluster.name}-prometheus-blocks`;
  const inCluster = (service: string, port: number) => `http://${service}.${namespaces.monitoring}.svc.cluster.local:${port}`;
  const endpoints = lambdaEndpoints(config);
  return {
    accountId,
    region: cluster.region,
    partition,
    backupBucket: aws.buckets.backup ?? `${cluster.name}-backups-${accountId}`,
    accessLogBucket: aws.buckets.accessLogs ?? `${cluster.name}-access-logs-${accountId}`,
    kmsAliasArn: `arn:${partition}:kms:${cluster.region}:${accountId}:${aws.kms.alias}`,
    oidcIssuer,
    oidcProviderArn: `arn:${partition}:iam::${accountId}:oidc-provider/${oidcIssuer}`,
    prometheusBlocks: {
      enabled: aws.prometheusBlocks.enabled,
      prefix: aws.prometheusBlocks.prefix,
      roleName,
      roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
      serviceAccount: { namespace: namespaces.monitoring, name: PROMETHEUS_SERVICE_ACCOUNT },
    },
    backupFunctionName: `${cluster.name}-backup`,
    grafanaUrl: aws.backup.grafanaUrl ?? `https://grafana.${cluster.domain}`,
    grafanaTokenSecretArn: aws.backup.grafanaTokenSecretArn ?? `arn:${partition}:secretsmanager:${cluster.region}:${accountId}:secret:${cluster.name}/grafana-backup-token-EXAMPL`,
    // Silences and the configuration are the same on every peer (gossip), so the backup reads the first.
    alertmanagerUrl: aws.backup.alertmanagerUrl ?? (endpoints.enabled ? endpoints.alertmanagerUrls[0]! : inCluster('alertmanager', 9093)),
    pushgatewayUrl: aws.backup.pushgatewayUrl ?? (endpoints.enabled ? endpoints.pushgatewayUrl : inCluster('pushgateway', 9091)),
    prometheusUrl: aws.backup.prometheusUrl ?? (endpoints.enabled ? endpoints.prometheusUrl : inCluster('prometheus', 9090)),
    slaReportFunctionName: `${cluster.name}-sla-report`,
  };
}

/**
 * The KMS key the StorageClass encrypts volumes with: `storage.kmsKeyArn`
 * when set, else the stack's key (by alias ARN) when `aws.kms.useForStorageClass`.
 */
export function storageClassKmsKeyArn(config: MonitoringConfig): string | undefined {
  if (config.storage.kmsKeyArn) return config.storage.kmsKeyArn;
  return config.aws.kms.useForStorageClass ? awsNames(config).kmsAliasArn : undefined;
}

/** One placeholder still in a configuration: where, and what to put there. */
export interface Placeholder {
  readonly path: string;
  readonly value: string;
  readonly fix: string;
}

/** The placeholders a configuration still carries; empty for a real deployment. */
export function awsPlaceholders(config: MonitoringConfig): Placeholder[] {
  const { aws, cluster } = config;
  const found: Placeholder[] = [];
  if (!cluster.accountId || cluster.accountId === PLACEHOLDER_ACCOUNT_ID) {
    found.push({ path: 'cluster.accountId', value: cluster.accountId ?? '(unset)', fix: 'set the 12-digit ID of the account the stack deploys to' });
  }
  if (aws.oidcIssuerUrl === PLACEHOLDER_OIDC_ISSUER || /EXAMPLE/.test(aws.oidcIssuerUrl)) {
    found.push({ path: 'aws.oidcIssuerUrl', value: aws.oidcIssuerUrl, fix: 'set the cluster\'s issuer (aws eks describe-cluster --query cluster.identity.oidc.issuer)' });
  }
  aws.lambdaNetwork.subnetIds.forEach((id, i) => {
    if (PLACEHOLDER_SUBNET_IDS.includes(id)) found.push({ path: `aws.lambdaNetwork.subnetIds.${i}`, value: id, fix: 'set private subnets of the cluster VPC' });
  });
  aws.lambdaNetwork.securityGroupIds.forEach((id, i) => {
    if (PLACEHOLDER_SECURITY_GROUP_IDS.includes(id)) found.push({ path: `aws.lambdaNetwork.securityGroupIds.${i}`, value: id, fix: 'set a security group that may reach the cluster endpoints' });
  });
  if (!aws.backup.grafanaTokenSecretArn) {
    found.push({ path: 'aws.backup.grafanaTokenSecretArn', value: '(unset)', fix: 'create a secret with a Grafana service-account token and set its ARN' });
  }
  if (aws.notifications.emails.length + aws.notifications.webhooks.length === 0) {
    found.push({ path: 'aws.notifications', value: '(no subscription)', fix: 'add an email or webhook so alarms reach someone' });
  }
  for (const [i, email] of aws.notifications.emails.entries()) {
    if (/@example\.(com|org|net)$/i.test(email)) found.push({ path: `aws.notifications.emails.${i}`, value: email, fix: 'use a real mailbox' });
  }
  return found;
}
