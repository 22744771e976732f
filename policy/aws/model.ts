/**
 * Views over a synthesized Terraform stack (`cdk.tf.json`) that the AWS
 * rules share: resources by type, references between them
 * (`${aws_s3_bucket.x.id}`), and the statements of the policy documents a
 * resource points at.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

/** What the AWS rules look at: one synthesized stack. */
export interface TerraformOutput {
  readonly stack: Json;
}

export interface Resource {
  readonly type: string;
  readonly name: string;
  /** `type.name`, as Terraform addresses it. */
  readonly address: string;
  readonly values: Json;
}

/** Resources of a type. */
export function resources(output: TerraformOutput, type: string): Resource[] {
  return Object.entries((output.stack.resource?.[type] ?? {}) as Record<string, Json>).map(([name, values]) => ({ type, name, address: `${type}.${name}`, values }));
}

/** Data sources of a type. */
export function dataSources(output: TerraformOutput, type: string): Resource[] {
  return Object.entries((output.stack.data?.[type] ?? {}) as Record<string, Json>).map(([name, values]) => ({ type, name, address: `data.${type}.${name}`, values }));
}

/** The addresses a value refers to: `${aws_s3_bucket.b.id}` -> `aws_s3_bucket.b`. */
export function references(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return [...text.matchAll(/\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\.[a-z0-9_.[\]]+)?\}/g)].map((m) => `${m[1] ?? ''}${m[2]}.${m[3]}`);
}

/** True when `value` refers to the resource at `address`. */
export function refersTo(value: unknown, address: string): boolean {
  return references(value).includes(address);
}

/** Resources of `type` whose `field` refers to `target`. */
export function attachedTo(output: TerraformOutput, type: string, field: string, target: Resource): Resource[] {
  return resources(output, type).filter((r) => refersTo(r.values[field], target.address));
}

/** A statement of an `aws_iam_policy_document`, normalized. */
export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: string[];
  readonly resources: string[];
  readonly principals: Array<{ type: string; identifiers: string[] }>;
  readonly conditions: Array<{ test: string; variable: string; values: string[] }>;
}

/** Statements of the policy documents a value (a `policy` argument) refers to. */
export function statementsOf(output: TerraformOutput, value: unknown): Statement[] {
  const docs = dataSources(output, 'aws_iam_policy_document');
  return references(value)
    .flatMap((ref) => docs.filter((d) => d.address === ref))
    .flatMap((doc) => normalize(doc.values.statement));
}

function normalize(statements: Json): Statement[] {
  return ((statements ?? []) as Json[]).map((s) => ({
    sid: s.sid,
    effect: s.effect ?? 'Allow',
    actions: s.actions ?? [],
    resources: s.resources ?? [],
    principals: (s.principals ?? []).map((p: Json) => ({ type: p.type, identifiers: p.identifiers ?? [] })),
    conditions: (s.condition ?? []).map((c: Json) => ({ test: c.test, variable: c.variable, values: c.values ?? [] })),
  }));
}

/** The first element of a block list (Terraform JSON writes nested blocks as objects or one-element arrays). */
export function block(value: Json): Json {
  return Array.isArray(value) ? value[0] : value;
}

/** True for a customer KMS key reference or ARN (not an AWS managed `alias/aws/...`). */
export function isCustomerKey(value: unknown): boolean {
  if (typeof value !== 'string' || value === '') return false;
  if (/alias\/aws\//.test(value)) return false;
  return /\$\{aws_kms_key\.[^}]+\.(arn|id|key_id)\}/.test(value) || /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(value);
}
