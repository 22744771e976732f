/** Synthesizing the AWS stack in-process for tests, cached per configuration. */
import { Testing } from 'cdktf';
import { loadProfile, type MonitoringConfig, resolveConfig } from '../../config';
import { deepMerge, PROFILES } from '../../config/load';
import { MonitoringStack } from '../../stacks/monitoring-stack';
import { bundleLambda } from '../../stacks/lambda-bundle';

const cache = new Map<string, unknown>();

/** The synthesized `cdk.tf.json` of a configuration, as an object (a fresh copy: callers may mutate it). */
export function synthStack(config: MonitoringConfig, key?: string): any {
  const cacheKey = key ?? JSON.stringify(config);
  if (!cache.has(cacheKey)) {
    const stack = new MonitoringStack(Testing.app(), config.aws.stackName, config, { backup: bundleLambda('backup') });
    cache.set(cacheKey, JSON.parse(Testing.synth(stack, true)));
  }
  return structuredClone(cache.get(cacheKey));
}

/** The stack of a built-in profile. */
export function synthProfileStack(profile: 'default' | 'production'): any {
  return synthStack(loadProfile(profile), `profile:${profile}`);
}

/** Every optional part on: production sizing, volumes, object lock, subscriptions, S3 backend. */
export const FULL_CONFIG_INPUT = {
  cluster: { accountId: '123456789012', region: 'eu-west-1' },
  aws: {
    oidcIssuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
    backend: { type: 's3', s3: { bucket: 'payments-terraform-state', dynamodbTable: 'terraform-locks' } },
    buckets: { objectLock: { enabled: true, mode: 'GOVERNANCE', days: 30 } },
    lambdaNetwork: { subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'], securityGroupIds: ['sg-0a1b2c3d4e5f60718'] },
    backup: { grafanaTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:monitoring/grafana-token-AbCdEf' },
    notifications: { emails: ['oncall@payments.test'], webhooks: ['https://hooks.payments.test/sns'] },
    volumes: { enabled: true, availabilityZones: ['eu-west-1a', 'eu-west-1b'] },
    requireRealValues: true,
  },
};

/** The full configuration over the production profile. */
export function fullConfig(): MonitoringConfig {
  return resolveConfig(deepMerge(PROFILES.production, FULL_CONFIG_INPUT), 'full test config');
}

/** A configuration from a partial input over the defaults. */
export function awsConfigWith(input: unknown): MonitoringConfig {
  return resolveConfig(input, 'test');
}

/** Resources of a type in a synthesized stack, as [name, values] pairs. */
export function resourcesOf(stack: any, type: string): Array<[string, any]> {
  return Object.entries(stack.resource?.[type] ?? {});
}

/** The one resource of a type whose values match `predicate`; fails loudly otherwise. */
export function findResource(stack: any, type: string, predicate: (values: any, name: string) => boolean = () => true): any {
  const found = resourcesOf(stack, type).filter(([name, values]) => predicate(values, name));
  if (found.length !== 1) throw new Error(`expected one ${type} matching, found ${found.length}: ${found.map(([n]) => n).join(', ')}`);
  return found[0][1];
}

/** The policy document data source a `policy` value points at. */
export function policyDocumentOf(stack: any, ref: string): any {
  const match = /\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}/.exec(ref);
  if (!match) throw new Error(`${ref} does not refer to a policy document`);
  return stack.data.aws_iam_policy_document[match[1]];
}
