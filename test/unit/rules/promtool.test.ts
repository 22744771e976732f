/**
 * `promtool test rules` on the catalogue: every alert fires at its
 * threshold after its `for` (and not one evaluation earlier), with its
 * exact labels and annotations, and stays quiet just below the threshold.
 * The SLO file has its own test (it is the slow one).
 */
import { ruleFilesFor } from '../../../charts/rules';
import { loadProfile } from '../../../config';
import { configWith } from '../../helpers/synth';
import { runPromtool, testFilesOf } from './harness';

jest.setTimeout(120_000);

describe.each([
  ['default profile', loadProfile('default')],
  [
    'overridden thresholds, durations, severities and teams',
    configWith({
      alerting: {
        rateWindow: '10m',
        teams: { databases: 'dba' },
        http: { statusCodeLabel: 'status_code' },
        rules: {
          NodeCpuUsageWarning: { threshold: 0.7, for: '30m', severity: 'high', team: 'infra' },
          ServiceErrorRatioCritical: { threshold: 0.2, for: '2m' },
          PostgresqlDeadlocks: { threshold: 3 },
          NodeDiskFillingUp: { threshold: '12h' },
          BackupStale: { threshold: '2d' },
          AiTokenUsageOverBudget: { threshold: 50000 },
          HpaAtMaxReplicas: { enabled: false },
        },
      },
    }),
  ],
])('%s', (_name, config) => {
  const files = ruleFilesFor(config).filter((f) => f.fileName !== 'slo.rules.yml');
  it.each(testFilesOf(files).map((t) => [t.fileName, t] as const))('%s passes', (_file, test) => {
    const result = runPromtool(files, test);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});
