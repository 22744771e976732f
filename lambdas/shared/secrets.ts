/**
 * Secrets come from AWS Secrets Manager at run time, by ARN: environment
 * variables carry the ARN, never the value. A secret's value is either
 * the plain string or a JSON object with a `token` field.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Deadline } from './deadline';

export interface SecretSource {
  /** The secret's value; throws naming the ARN when it cannot be read. */
  get(arn: string): Promise<string>;
}

/** Secrets Manager, with each value fetched once per invocation container. */
export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly deadline: Deadline = Deadline.none(),
  ) {}

  get(arn: string): Promise<string> {
    if (!this.cache.has(arn)) {
      const pending = this.fetch(arn);
      pending.catch(() => this.cache.delete(arn));
      this.cache.set(arn, pending);
    }
    return this.cache.get(arn)!;
  }

  private async fetch(arn: string): Promise<string> {
    let value: string | undefined;
    try {
      const response = await this.client.send(new GetSecretValueCommand({ SecretId: arn }), { abortSignal: this.deadline.signal() });
      value = response.SecretString;
    } catch (error) {
      throw new Error(`cannot read secret ${arn}: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
    }
    if (!value) throw new Error(`secret ${arn} has no SecretString; store the token as text or as JSON {"token": "..."}`);
    return tokenFrom(value, arn);
  }
}

/** Values given directly, for the local runner (`--grafana-token-file`) and tests. */
export class StaticSecretSource implements SecretSource {
  constructor(private readonly values: Record<string, string>) {}
  async get(arn: string): Promise<string> {
    const value = this.values[arn];
    if (value === undefined) throw new Error(`no value for secret ${arn}; pass it to the local runner`);
    return value;
  }
}

/** The token inside a secret string: the string itself, or its JSON `token` field. */
export function tokenFrom(value: string, arn: string): string {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error(`secret ${arn} looks like JSON but does not parse`);
  }
  const token = (parsed as { token?: unknown }).token;
  if (typeof token !== 'string' || token === '') throw new Error(`secret ${arn} is JSON without a string "token" field`);
  return token;
}
