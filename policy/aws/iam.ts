/** IAM: least privilege on our roles, and IRSA trust that names exactly one ServiceAccount. */
import type { PolicyRule, Violation } from '../types';
import { resources, type Statement, statementsOf, type TerraformOutput } from './model';

type AwsRule = PolicyRule<TerraformOutput>;

/**
 * Actions AWS authorizes only on `*` (no resource-level permissions), so
 * a wildcard resource is the narrowest possible; scope them by condition
 * where a condition key exists (cloudwatch:namespace).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
export const UNSCOPABLE_ACTIONS = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DescribeVolumes',
  'ec2:DescribeSnapshots',
  'cloudwatch:PutMetricData',
];

/** Identity policy statements of every role (inline policies). */
function roleStatements(output: TerraformOutput): Array<{ subject: string; statement: Statement }> {
  return resources(output, 'aws_iam_role_policy').flatMap((policy) =>
    statementsOf(output, policy.values.policy).map((statement) => ({ subject: `${policy.address}${statement.sid ? ` statement ${statement.sid}` : ''}`, statement })),
  );
}

export const iamNoWildcardAction: AwsRule = {
  id: 'iam-no-wildcard-action',
  description: 'No role policy allows `*` or a whole service (`s3:*`) as an action.',
  check: (output) =>
    roleStatements(output)
      .filter(({ statement }) => statement.effect === 'Allow')
      .flatMap(({ subject, statement }): Violation[] =>
        statement.actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(a)).map((a) => ({ rule: 'iam-no-wildcard-action', subject, message: `allows "${a}"; list the actions the role needs` })),
      ),
};

export const iamNoWildcardResource: AwsRule = {
  id: 'iam-no-wildcard-resource',
  description: `No role policy allows an action on \`*\` when the action can be scoped to a resource; only actions without resource-level permissions (${UNSCOPABLE_ACTIONS.join(', ')}) may use \`*\`.`,
  check: (output) =>
    roleStatements(output)
      .filter(({ statement }) => statement.effect === 'Allow' && statement.resources.includes('*'))
      .flatMap(({ subject, statement }): Violation[] => {
        const scopable = statement.actions.filter((a) => !UNSCOPABLE_ACTIONS.includes(a));
        return scopable.length ? [{ rule: 'iam-no-wildcard-resource', subject, message: `${scopable.join(', ')} on "*"; name the resources (bucket/prefix, key, log group, ...)` }] : [];
      }),
};

export const iamNoManagedPolicies: AwsRule = {
  id: 'iam-no-managed-policies',
  description: 'No role of the stack has a managed policy attached (AWS managed policies grant far more than one function needs); permissions are inline and least-privilege.',
  check: (output) => [
    ...resources(output, 'aws_iam_role_policy_attachment').map((a) => ({ rule: 'iam-no-managed-policies', subject: a.address, message: `attaches ${a.values.policy_arn}; write an inline least-privilege policy instead` })),
    ...resources(output, 'aws_iam_role')
      .filter((r) => (r.values.managed_policy_arns ?? []).length > 0)
      .map((r) => ({ rule: 'iam-no-managed-policies', subject: r.address, message: `managed_policy_arns: ${r.values.managed_policy_arns.join(', ')}` })),
    ...resources(output, 'aws_iam_policy_attachment').map((a) => ({ rule: 'iam-no-managed-policies', subject: a.address, message: 'aws_iam_policy_attachment manages attachments exclusively; use inline policies' })),
  ],
};

export const iamIrsaTrust: AwsRule = {
  id: 'iam-irsa-trust',
  description:
    'A role assumed with a web identity trusts only an EKS OIDC provider, with StringEquals on `<issuer>:sub` = exactly one `system:serviceaccount:<ns>:<sa>` and `<issuer>:aud` = `sts.amazonaws.com`.',
  check: (output) =>
    resources(output, 'aws_iam_role').flatMap((role): Violation[] =>
      statementsOf(output, role.values.assume_role_policy)
        .filter((s) => s.actions.includes('sts:AssumeRoleWithWebIdentity'))
        .flatMap((s): Violation[] => {
          const problems: string[] = [];
          const federated = s.principals.filter((p) => p.type === 'Federated').flatMap((p) => p.identifiers);
          if (federated.length !== 1 || !/:oidc-provider\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Z0-9]+$/.test(federated[0])) problems.push(`principal ${federated.join(', ') || 'none'} is not one EKS OIDC provider`);
          const equals = (suffix: string) => s.conditions.find((c) => c.test === 'StringEquals' && c.variable.endsWith(suffix));
          const sub = equals(':sub');
          if (!sub || sub.values.length !== 1 || !/^system:serviceaccount:[a-z0-9-]+:[a-z0-9.-]+$/.test(sub.values[0])) problems.push('no StringEquals on :sub naming exactly one ServiceAccount');
          const aud = equals(':aud');
          if (!aud || aud.values.length !== 1 || aud.values[0] !== 'sts.amazonaws.com') problems.push('no StringEquals :aud = sts.amazonaws.com');
          if (s.conditions.some((c) => /Like/.test(c.test) && c.variable.endsWith(':sub'))) problems.push('the subject is matched with a pattern');
          return problems.map((message) => ({ rule: 'iam-irsa-trust', subject: role.address, message }));
        }),
    ),
};

export const iamServiceTrustScoped: AwsRule = {
  id: 'iam-service-trust-scoped',
  description: 'A role assumed by an AWS service names the account it acts for (aws:SourceAccount), against the confused-deputy problem.',
  check: (output) =>
    resources(output, 'aws_iam_role').flatMap((role): Violation[] =>
      statementsOf(output, role.values.assume_role_policy)
        .filter((s) => s.actions.includes('sts:AssumeRole') && s.principals.some((p) => p.type === 'Service'))
        .filter((s) => !s.conditions.some((c) => c.variable === 'aws:SourceAccount' || c.variable === 'aws:SourceArn'))
        .map(() => ({ rule: 'iam-service-trust-scoped', subject: role.address, message: 'service trust without aws:SourceAccount or aws:SourceArn' })),
    ),
};

export const IAM_RULES: readonly AwsRule[] = [iamNoWildcardAction, iamNoWildcardResource, iamNoManagedPolicies, iamIrsaTrust, iamServiceTrustScoped];
