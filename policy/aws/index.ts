/** Every AWS policy rule, in report order, over one synthesized stack (`cdk.tf.json`). */
import type { PolicyRule } from '../types';
import { IAM_RULES } from './iam';
import { LAMBDA_RULES } from './lambda';
import type { TerraformOutput } from './model';
import { S3_RULES } from './s3';
import { SERVICE_RULES } from './services';

export type { TerraformOutput };

export const AWS_RULES: readonly PolicyRule<TerraformOutput>[] = [...S3_RULES, ...IAM_RULES, ...LAMBDA_RULES, ...SERVICE_RULES];
