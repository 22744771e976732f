/**
 * IAM policy statements as typed values, and the data source that renders
 * them. Statements are collected first and rendered lazily, so grant
 * methods (`bucket.grantRead(role, ...)`) can add to a role after it is
 * built; `aws_iam_policy_document` is computed locally by the provider,
 * so `terraform plan` needs no AWS call for it.
 */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';

/** One condition: `{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['123456789012'] }`. */
export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** A principal block. `*` principals are refused by the policy suite except in Deny statements. */
export interface Principal {
  readonly type: 'AWS' | 'Service' | 'Federated' | '*';
  readonly identifiers: readonly string[];
}

export interface PolicyStatement {
  /** Statement ID: what the statement is for, in words without spaces. */
  readonly sid: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources?: readonly string[];
  readonly principals?: readonly Principal[];
  readonly conditions?: readonly Condition[];
}

/** The statement in the snake_case shape of `aws_iam_policy_document`. */
export function toTerraformStatement(statement: PolicyStatement): Record<string, unknown> {
  return {
    sid: statement.sid,
    effect: statement.effect ?? 'Allow',
    actions: [...statement.actions],
    ...(statement.resources ? { resources: [...statement.resources] } : {}),
    ...(statement.principals ? { principals: statement.principals.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })) } : {}),
    ...(statement.conditions ? { condition: statement.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) } : {}),
  };
}

/** A policy document whose statements are read at synthesis; add to `statements` until then. */
export class PolicyDocument extends Construct {
  readonly statements: PolicyStatement[];
  readonly document: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, statements: PolicyStatement[] = []) {
    super(scope, id);
    this.statements = [...statements];
    this.document = new DataAwsIamPolicyDocument(this, 'document', {
      // Rendered late so grants added after construction are included; snake_case because a token bypasses the struct mapper.
      statement: Lazy.anyValue({ produce: () => this.statements.map(toTerraformStatement) }) as never,
    });
    this.node.addValidation({
      validate: () => {
        const sids = this.statements.map((s) => s.sid);
        const errors = sids.filter((sid, i) => sids.indexOf(sid) !== i).map((sid) => `${this.node.path}: statement id "${sid}" is used twice; give each statement its own sid`);
        if (this.statements.length === 0) errors.push(`${this.node.path}: the policy has no statement`);
        return errors;
      },
    });
  }

  /** The rendered JSON, for `policy` arguments. */
  get json(): string {
    return this.document.json;
  }

  /** Add a statement; a second statement with the same sid is refused. */
  add(statement: PolicyStatement): void {
    if (this.statements.some((s) => s.sid === statement.sid)) throw new Error(`${this.node.path}: statement "${statement.sid}" is already in the policy`);
    this.statements.push(statement);
  }
}

/** Where ARNs are built: partition, region and account of the stack. */
export interface ArnContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass '' for global services' region. */
export function arn(context: ArnContext, service: string, resource: string, region: string = context.region, account: string = context.accountId): string {
  return `arn:${context.partition}:${service}:${region}:${account}:${resource}`;
}

/** The account root principal (`arn:aws:iam::<account>:root`): delegates to the account's IAM policies. */
export function accountRoot(context: ArnContext): Principal {
  return { type: 'AWS', identifiers: [`arn:${context.partition}:iam::${context.accountId}:root`] };
}

/** Deny any request not made over TLS (`aws:SecureTransport` false). */
export function denyInsecureTransport(actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    actions,
    resources,
    principals: [{ type: '*', identifiers: ['*'] }],
    conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  };
}

/** Something permissions can be granted to: a role with an inline policy. */
export interface Grantable {
  /** Add a statement to the role's inline policy. */
  addToPolicy(statement: PolicyStatement): void;
  readonly roleName: string;
}

/** What IAM accepts as a role name: 1-64 of letters, digits and +=,.@_-. */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** A role with its trust policy and one inline least-privilege policy (no managed policies). */
export interface RoleWithInlinePolicy {
  readonly role: IamRole;
  /** The inline policy's statements; grants add to it. */
  readonly policy: PolicyDocument;
  /** The inline policy resource, for `dependsOn` of what needs the permissions at creation. */
  readonly rolePolicy: IamRolePolicy;
}

/**
 * The role resources every role construct of the stack creates in its own
 * scope (`trust`, `role`, `policy`, `inline-policy`): sessions of at most
 * an hour, the inline policy named `<role>-least-privilege`.
 */
export function roleWithInlinePolicy(
  scope: Construct,
  props: { readonly roleName: string; readonly description?: string; readonly trust: PolicyStatement[]; readonly statements?: PolicyStatement[]; readonly tags?: Record<string, string> },
): RoleWithInlinePolicy {
  const trust = new PolicyDocument(scope, 'trust', props.trust);
  const role = new IamRole(scope, 'role', { name: props.roleName, description: props.description, assumeRolePolicy: trust.json, maxSessionDuration: 3600, tags: props.tags });
  const policy = new PolicyDocument(scope, 'policy', props.statements ?? []);
  const rolePolicy = new IamRolePolicy(scope, 'inline-policy', { name: `${props.roleName}-least-privilege`, role: role.id, policy: policy.json });
  return { role, policy, rolePolicy };
}
