/**
 * A role an AWS service assumes (Lambda, EventBridge Scheduler), with one
 * inline least-privilege policy and no managed policies. The trust policy
 * names the service and, against the confused-deputy problem, the
 * account it may act for (`aws:SourceAccount`).
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { type ArnContext, type Grantable, PolicyDocument, type PolicyStatement } from './lib/iam';

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
    if (!/^[\w+=,.@-]{1,64}$/.test(props.roleName)) throw new Error(`ServiceRole: 'roleName' ("${props.roleName}") is not an IAM role name (1-64 of letters, digits and +=,.@_-)`);
    if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(props.service)) throw new Error(`ServiceRole: 'service' ("${props.service}") is not a service principal such as "lambda.amazonaws.com"`);
    this.roleName = props.roleName;
    const trust = new PolicyDocument(this, 'trust', [
      {
        sid: 'ServiceAssumesRole',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: [props.service] }],
        conditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.context.accountId] }],
      },
    ]);
    this.role = new IamRole(this, 'role', { name: props.roleName, description: props.description, assumeRolePolicy: trust.json, maxSessionDuration: 3600, tags: props.tags });
    this.policy = new PolicyDocument(this, 'policy', props.statements ?? []);
    this.rolePolicy = new IamRolePolicy(this, 'inline-policy', { name: `${props.roleName}-least-privilege`, role: this.role.id, policy: this.policy.json });
    this.arn = this.role.arn;
  }

  addToPolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }
}
