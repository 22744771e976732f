/** Lambda: traced, bounded, in the VPC, on a supported runtime, failures kept, no secrets in its environment. */
import type { PolicyRule, Violation } from '../types';
import { block, isCustomerKey, type Resource, resources, type TerraformOutput } from './model';

type AwsRule = PolicyRule<TerraformOutput>;

/** Runtimes AWS supports (not deprecated) that the project accepts. */
export const SUPPORTED_RUNTIMES = ['nodejs22.x', 'nodejs20.x'];

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const SECRET_VALUE = [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /\bglsa_[A-Za-z0-9_]{20,}/, /hooks\.slack\.com\/services\//, /:\/\/[^/\s:@]+:[^/\s@]+@/];
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

function perFunction(id: string, check: (output: TerraformOutput, fn: Resource) => string[]): AwsRule['check'] {
  return (output) =>
    resources(output, 'aws_lambda_function').flatMap((fn): Violation[] => check(output, fn).map((message) => ({ rule: id, subject: `${fn.address} (${fn.values.function_name})`, message })));
}

const functionRef = (fn: Resource) => [`\${${fn.address}.function_name}`, `\${${fn.address}.arn}`, fn.values.function_name];

export const lambdaTracing: AwsRule = {
  id: 'lambda-tracing',
  description: 'Every function has X-Ray tracing Active.',
  check: perFunction('lambda-tracing', (_o, fn) => (block(fn.values.tracing_config)?.mode === 'Active' ? [] : ['tracing is not Active'])),
};

export const lambdaReservedConcurrency: AwsRule = {
  id: 'lambda-reserved-concurrency',
  description: 'Every function has reserved concurrency of at least 1: bounded, and never starved by other functions of the account.',
  check: perFunction('lambda-reserved-concurrency', (_o, fn) => (typeof fn.values.reserved_concurrent_executions === 'number' && fn.values.reserved_concurrent_executions >= 1 ? [] : ['no reserved concurrency'])),
};

export const lambdaFailureDestination: AwsRule = {
  id: 'lambda-failure-destination',
  description: 'Every function keeps failed asynchronous invocations: a dead-letter queue or an on-failure destination.',
  check: perFunction('lambda-failure-destination', (output, fn) => {
    if (block(fn.values.dead_letter_config)?.target_arn) return [];
    const refs = functionRef(fn);
    const configured = resources(output, 'aws_lambda_function_event_invoke_config').some(
      (c) => refs.includes(c.values.function_name) && block(block(c.values.destination_config)?.on_failure)?.destination,
    );
    return configured ? [] : ['no dead-letter queue and no on-failure destination'];
  }),
};

export const lambdaInVpc: AwsRule = {
  id: 'lambda-in-vpc',
  description: 'Every function runs in the VPC (subnets and security groups set): the functions call in-cluster endpoints.',
  check: perFunction('lambda-in-vpc', (_o, fn) => {
    const vpc = block(fn.values.vpc_config);
    return (vpc?.subnet_ids ?? []).length > 0 && (vpc?.security_group_ids ?? []).length > 0 ? [] : ['not in a VPC (vpc_config subnets and security groups)'];
  }),
};

export const lambdaSupportedRuntime: AwsRule = {
  id: 'lambda-supported-runtime',
  description: `Every function uses a supported runtime (${SUPPORTED_RUNTIMES.join(', ')}) and sets memory and timeout.`,
  check: perFunction('lambda-supported-runtime', (_o, fn) => [
    ...(SUPPORTED_RUNTIMES.includes(fn.values.runtime) ? [] : [`runtime ${fn.values.runtime ?? '(none)'} is not one of ${SUPPORTED_RUNTIMES.join(', ')}`]),
    ...(typeof fn.values.memory_size === 'number' ? [] : ['memory_size is not set']),
    ...(typeof fn.values.timeout === 'number' ? [] : ['timeout is not set (the default of 3 s is never right)']),
  ]),
};

export const lambdaEnvironmentEncrypted: AwsRule = {
  id: 'lambda-environment-encrypted',
  description: 'A function with environment variables encrypts them with a customer key (kms_key_arn).',
  check: perFunction('lambda-environment-encrypted', (_o, fn) => {
    const variables = block(fn.values.environment)?.variables ?? {};
    return Object.keys(variables).length === 0 || isCustomerKey(fn.values.kms_key_arn) ? [] : ['has environment variables but no customer kms_key_arn'];
  }),
};

export const lambdaNoSecretsInEnvironment: AwsRule = {
  id: 'lambda-no-secrets-in-environment',
  description: 'No environment variable holds a secret: variables named like secrets hold Secrets Manager ARNs, and no value looks like a credential.',
  check: perFunction('lambda-no-secrets-in-environment', (_o, fn) =>
    Object.entries((block(fn.values.environment)?.variables ?? {}) as Record<string, string>).flatMap(([name, value]) => {
      if (SECRET_NAME.test(name) && !SECRETS_MANAGER_ARN.test(String(value))) return [`${name} is named like a secret but is not a Secrets Manager ARN`];
      if (SECRET_VALUE.some((p) => p.test(String(value)))) return [`${name} holds what looks like a credential`];
      return [];
    }),
  ),
};

export const lambdaPermissionSourceArn: AwsRule = {
  id: 'lambda-permission-source-arn',
  description: 'Every resource-based permission to invoke a function names the source (source_arn), so no other resource of that service can invoke it.',
  check: (output) =>
    resources(output, 'aws_lambda_permission')
      .filter((p) => !p.values.source_arn)
      .map((p) => ({ rule: 'lambda-permission-source-arn', subject: p.address, message: `lets ${p.values.principal} invoke without source_arn` })),
};

export const lambdaLogGroupFirst: AwsRule = {
  id: 'lambda-log-group-first',
  description: 'Every function depends on its own log group (/aws/lambda/<name>), created first with retention and the key; otherwise Lambda creates one with neither.',
  check: perFunction('lambda-log-group-first', (output, fn) => {
    const group = resources(output, 'aws_cloudwatch_log_group').find((g) => g.values.name === `/aws/lambda/${fn.values.function_name}`);
    if (!group) return [`no log group /aws/lambda/${fn.values.function_name}`];
    return (fn.values.depends_on ?? []).includes(group.address) ? [] : [`does not depend on ${group.address}`];
  }),
};

export const LAMBDA_RULES: readonly AwsRule[] = [
  lambdaTracing,
  lambdaReservedConcurrency,
  lambdaFailureDestination,
  lambdaInVpc,
  lambdaSupportedRuntime,
  lambdaEnvironmentEncrypted,
  lambdaNoSecretsInEnvironment,
  lambdaPermissionSourceArn,
  lambdaLogGroupFirst,
];
