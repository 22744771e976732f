/**
 * A role for one Kubernetes ServiceAccount through IRSA: it trusts only
 * the cluster's OIDC provider, only for `system:serviceaccount:<ns>:<sa>`,
 * only with audience `sts.amazonaws.com`. The ServiceAccount carries the
 * role's ARN in `eks.amazonaws.com/role-arn`; both come from the same
 * configuration (`config/aws-names.ts`).
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { type Grantable, IAM_ROLE_NAME, type PolicyDocument, type PolicyStatement, roleWithInlinePolicy } from './lib/iam';

export interface IrsaRoleProps {
  readonly roleName: string;
  /** `arn:aws:iam::<account>:oidc-provider/<issuer host and path>`. */
  readonly oidcProviderArn: string;
  /** Issuer host and path without `https://`, as the condition keys spell it. */
  readonly oidcIssuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly description?: string;
  readonly statements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

export class IrsaRole extends Construct implements Grantable {
  readonly role: IamRole;
  readonly policy: PolicyDocument;
  readonly roleName: string;
  readonly arn: string;
  /** `system:serviceaccount:<namespace>:<name>`. */
  readonly subject: string;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!IAM_ROLE_NAME.test(props.roleName)) problems.push(`'roleName' ("${props.roleName}") is not an IAM role name`);
    if (!/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/.test(props.oidcProviderArn)) problems.push(`'oidcProviderArn' ("${props.oidcProviderArn}") is not an IAM OIDC provider ARN`);
    if (props.oidcIssuer.startsWith('https://') || !props.oidcProviderArn.endsWith(`/${props.oidcIssuer}`)) problems.push(`'oidcIssuer' ("${props.oidcIssuer}") must be the provider ARN's issuer without "https://"`);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.namespace) || !/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(props.serviceAccount)) problems.push(`'namespace'/'serviceAccount' ("${props.namespace}"/"${props.serviceAccount}") must be Kubernetes names; wildcards are not allowed`);
    if (problems.length > 0) throw new Error(`IrsaRole: ${problems.join('; ')}`);
    this.roleName = props.roleName;
    this.subject = `system:serviceaccount:${props.namespace}:${props.serviceAccount}`;
    const resources = roleWithInlinePolicy(this, {
      roleName: props.roleName,
      description: props.description ?? `IRSA role of ${this.subject}`,
      trust: [
        {
          sid: 'ServiceAccountAssumesRole',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
          conditions: [
            { test: 'StringEquals', variable: `${props.oidcIssuer}:sub`, values: [this.subject] },
            { test: 'StringEquals', variable: `${props.oidcIssuer}:aud`, values: ['sts.amazonaws.com'] },
          ],
        },
      ],
      statements: props.statements,
      tags: props.tags,
    });
    this.role = resources.role;
    this.policy = resources.policy;
    this.arn = this.role.arn;
  }

  addToPolicy(statement: PolicyStatement): void {
    this.policy.add(statement);
  }
}
