/**
 * A role an AWS service assumes (Lambda, EventBridge Scheduler), with one
 * inline least-privilege policy and no managed policies. The trust policy
 * names the service and, against the confused-deputy problem, the
 * account it may act for (`aws:SourceAccount`).
 */
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { type ArnContext, type Grantable, IAM_ROLE_NAME, type PolicyDocument, type PolicyStatement, roleWithInlinePolicy } from './lib/iam';

export interface ServiceRoleProps {
  readonly roleName: string;
  /** Service principal, e.g. `lambda.amazonaws.com`. */
  readonly service: string;
  readonly context: ArnContext;
  readonly description?: string;
  /** Initial statements; more with `addToPolicy`. */
  readonly statements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

export class ServiceRole extends Construct implements Grantable {
  readonly role: IamRole;
  readonly policy: PolicyDocument;
  readonly roleName: string;
  readonly arn: string;
  /** The inline policy resource, for `dependsOn` of what needs the permissions at creation. */
  readonly rolePolicy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (!IAM_ROLE_NAME.test(props.roleName)) throw new Error(`ServiceRole: 'roleName' ("${props.roleName}") is not an IAM role name (1-64 of letters, digits and +=,.@_-)`);
    if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(props.service)) throw new Error(`ServiceRole: 'service' ("${props.service}") is not a service principal such as "lambda.amazonaws.com"`);
    this.roleName = props.roleName;
    const resources = roleWithInlinePolicy(this, {
      roleName: props.roleName,
      description: props.description,
      trust: [
        {
          sid: 'ServiceAssumesRole',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: [props.service] }],
          conditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.context.accountId] }],
        },
      ],
      statements: props.statements,
      tags: props.tags,
    });
    this.role = resources.role;
    this.policy = resources.policy;
    this.rolePolicy = resources.rolePolicy;
    this.arn = this.role.arn;
  }

  addToPolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }
}
