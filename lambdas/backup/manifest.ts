/**
 * The run manifest, written last to `exports/<date>/manifest.json`: every
 * object with its size and SHA-256, every step with its duration and
 * outcome, and one status. `complete` only when every step succeeded; a
 * run that failed anywhere says `failed` and why.
 */
import type { UploadResult } from '../shared/s3';
import type { BlockVerification } from './verify-blocks';
import type { SnapshotResult } from './snapshots';

export const MANIFEST_VERSION = 1;

export type StepName = 'prometheus-blocks' | 'grafana' | 'alertmanager' | 'ebs-snapshots';

export interface StepRecord {
  readonly name: StepName;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** Objects the step wrote. */
  readonly objects: UploadResult[];
  /** Counts and findings (dashboards, silences, snapshots, ...). */
  readonly details: Record<string, unknown>;
  /** Why it failed or was skipped. */
  readonly errors: string[];
}

export interface BackupManifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly cluster: string;
  /** The backup day (UTC), `YYYY-MM-DD`. */
  readonly date: string;
  readonly runId: string;
  readonly status: 'complete' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly bucket: string;
  readonly steps: StepRecord[];
  readonly blocks?: Pick<BlockVerification, 'blocksListed' | 'newest'>;
  readonly snapshots?: SnapshotResult;
  readonly totals: { readonly objects: number; readonly bytes: number };
}

/** Key of a day's manifest. */
export function manifestKey(date: string): string {
  return `exports/${date}/manifest.json`;
}

/** Key prefix of a day's exports. */
export function exportPrefix(date: string, target: 'grafana' | 'alertmanager'): string {
  return `exports/${date}/${target}`;
}

/** True for a manifest of a complete run of this format. */
export function isCompleteManifest(value: unknown): value is BackupManifest {
  const m = value as Partial<BackupManifest> | undefined;
  return m?.version === MANIFEST_VERSION && m.status === 'complete' && Array.isArray(m.steps) && m.steps.every((s) => s.status === 'ok');
}
