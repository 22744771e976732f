/**
 * Delivery, against stand-ins for the error paths (the real Alertmanager,
 * Pushgateway and SNS path is in test/integration/anomaly-check*.test.ts):
 * reading the active alerts of every replica, posting to every replica,
 * the SNS summary, and the pushed metrics.
 */
import { alertLabels, firingAlert } from '../../../lambdas/anomaly-check/alert-builder';
import { fetchActiveAlerts, matcher, postAlerts } from '../../../lambdas/anomaly-check/alertmanager';
import { checkRegistry, pushRunMetrics, runRegistry } from '../../../lambdas/anomaly-check/metrics';
import type { CheckReport } from '../../../lambdas/anomaly-check/report';
import { buildSummary, publishSummary } from '../../../lambdas/anomaly-check/summary';
import { Deadline } from '../../../lambdas/shared/deadline';
import { check, CONTEXT, NOW, standIn } from './fixtures';

const deadline = () => Deadline.after(20_000);
const active = (labels: Record<string, string>, startsAt: string) => ({ labels, startsAt, annotations: {}, endsAt: '2030-01-01T00:00:00Z', fingerprint: 'x', receivers: [], status: { state: 'active' }, updatedAt: startsAt, generatorURL: '' });

describe('Alertmanager', () => {
  it('reads the cluster\'s anomaly alerts from every replica and merges them, keeping the earliest start', async () => {
    const labels = alertLabels(check(), { service: 'api' }, CONTEXT);
    const other = alertLabels(check(), { service: 'web' }, CONTEXT);
    const a = await standIn((_q, _b, r) => r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([active(labels, '2025-03-03T10:05:00Z')])));
    const b = await standIn((_q, _b, r) => r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([active(labels, '2025-03-03T10:00:00Z'), active(other, '2025-03-03T09:00:00Z')])));
    try {
      const result = await fetchActiveAlerts([a.url, b.url], 'payments', { deadline: deadline() });
      expect(result.replicas).toEqual([{ url: a.url, ok: true }, { url: b.url, ok: true }]);
      expect(result.alerts).toEqual([{ labels, startsAt: '2025-03-03T10:00:00Z' }, { labels: other, startsAt: '2025-03-03T09:00:00Z' }]);
      const query = new URL(a.seen[0].url, a.url).searchParams;
      expect(query.getAll('filter')).toEqual(['cluster="payments"', 'anomaly_check=~".+"']);
      expect(Object.fromEntries(['active', 'silenced', 'inhibited', 'unprocessed'].map((k) => [k, query.get(k)]))).toEqual({ active: 'true', silenced: 'true', inhibited: 'true', unprocessed: 'true' });
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('quotes matcher values', () => {
    expect(matcher('cluster', '=', 'a "b" \\c')).toBe('cluster="a \\"b\\" \\\\c"');
  });

  it('reports a replica it cannot read (or whose answer is not a list of alerts) and still uses the others', async () => {
    const down = await standIn((_q, _b, r) => r.writeHead(400).end('bad filter'));
    const odd = await standIn((_q, _b, r) => r.writeHead(200).end('{"alerts": []}'));
    const good = await standIn((_q, _b, r) => r.writeHead(200).end(JSON.stringify([active({ anomaly_check: 'orders', cluster: 'payments' }, '2025-03-03T10:00:00Z')])));
    try {
      const result = await fetchActiveAlerts([down.url, odd.url, good.url], 'payments', { deadline: deadline() });
      expect(result.replicas.map((r) => [r.ok, r.error])).toEqual([
        [false, expect.stringContaining('answered 400: bad filter')],
        [false, expect.stringContaining('did not answer a list of alerts')],
        [true, undefined],
      ]);
      expect(result.alerts).toHaveLength(1);
    } finally {
      await Promise.all([down.stop(), odd.stop(), good.stop()]);
    }
  });

  it('posts every alert to every replica, in batches, retrying a replica that is briefly unavailable', async () => {
    const alerts = Array.from({ length: 5 }, (_, i) => firingAlert(check(), { seriesLabels: { pod: `p${i}` }, value: i, score: 0.9, at: NOW, startsAt: NOW }, NOW + 1, CONTEXT));
    let failures = 1;
    const flaky = await standIn((_q, _b, r) => (failures-- > 0 ? r.writeHead(503).end('starting') : r.writeHead(200).end()));
    const steady = await standIn((_q, _b, r) => r.writeHead(200).end());
    try {
      const outcomes = await postAlerts([flaky.url, steady.url], alerts, { deadline: deadline(), batchSize: 2 });
      expect(outcomes).toEqual([{ url: flaky.url, ok: true }, { url: steady.url, ok: true }]);
      expect(steady.seen.map((s) => [s.method, s.url, JSON.parse(s.body).length])).toEqual([['POST', '/api/v2/alerts', 2], ['POST', '/api/v2/alerts', 2], ['POST', '/api/v2/alerts', 1]]);
      expect(flaky.seen).toHaveLength(4);
      expect(JSON.parse(steady.seen[0].body)[0]).toEqual(alerts[0]);
    } finally {
      await Promise.all([flaky.stop(), steady.stop()]);
    }
  });

  it('reports a replica that refuses the alerts without hiding the delivery to the others; posts nothing when there is nothing', async () => {
    const refusing = await standIn((_q, _b, r) => r.writeHead(400).end('{"code":400,"message":"start time must be before end time"}'));
    const steady = await standIn((_q, _b, r) => r.writeHead(200).end());
    try {
      const alerts = [firingAlert(check(), { seriesLabels: {}, value: 1, score: 0.9, at: NOW, startsAt: NOW }, NOW + 1, CONTEXT)];
      const outcomes = await postAlerts([refusing.url, steady.url], alerts, { deadline: deadline() });
      expect(outcomes[0]).toEqual({ url: refusing.url, ok: false, error: expect.stringContaining('start time must be before end time') });
      expect(refusing.seen).toHaveLength(1);
      expect(outcomes[1]).toEqual({ url: steady.url, ok: true });
      expect(await postAlerts([steady.url], [], { deadline: deadline() })).toEqual([{ url: steady.url, ok: true }]);
      expect(steady.seen).toHaveLength(1);
    } finally {
      await Promise.all([refusing.stop(), steady.stop()]);
    }
  });
});

/** A check's report with the given changes. */
function report(fields: Partial<CheckReport> = {}): CheckReport {
  return {
    name: 'orders',
    severity: 'warning',
    status: 'ok',
    series: { total: 3, scored: 2, insufficientHistory: 1, stale: 0, duplicate: 0, anomalous: 1 },
    points: { perSeries: 2017, samples: 5000, missing: 1051, nonFinite: 2, offGrid: 0 },
    newAnomalies: 1,
    alerts: { fired: 1, kept: 2, resolved: 2, suppressed: 0, expiring: 0 },
    capped: false,
    maxScore: 0.93,
    queryMs: 120,
    scoreMs: 30,
    events: [
      { kind: 'fired', labels: { alertname: 'AnomalyDetected', anomaly_check: 'orders', severity: 'warning', cluster: 'payments', service: 'api' }, value: 812, score: 0.93, at: NOW - 300_000 },
      { kind: 'resolved', labels: { alertname: 'AnomalyDetected', anomaly_check: 'orders', severity: 'warning', cluster: 'payments', service: 'web' }, reason: { kind: 'normal', score: 0.2, value: 40, at: NOW } },
      { kind: 'resolved', labels: { alertname: 'AnomalyDetected', anomaly_check: 'orders', severity: 'warning', cluster: 'payments', service: 'old' }, reason: { kind: 'vanished' } },
    ],
    ...fields,
  };
}
const run = (checks: CheckReport[]) => ({ cluster: 'payments', evaluatedAt: new Date(NOW).toISOString(), window: { since: '2025-03-03T10:00:00.000Z', until: '2025-03-03T10:15:00.000Z' }, checks });

describe('SNS summary', () => {
  it('says nothing when nothing fired or resolved (kept alerts are not news)', () => {
    expect(buildSummary(run([report({ alerts: { fired: 0, kept: 4, resolved: 0, suppressed: 0, expiring: 1 }, events: [] })]), 'https://prometheus.example.com')).toBeUndefined();
  });

  it('groups the run\'s changes by check in one message', () => {
    const summary = buildSummary(run([report(), report({ name: 'quiet', alerts: { fired: 0, kept: 0, resolved: 0, suppressed: 0, expiring: 0 }, events: [] })]), 'https://prometheus.example.com')!;
    expect(summary.subject).toBe('[payments] Anomalies: 1 new, 2 resolved');
    expect(summary.message).toBe(
      [
        'Anomaly check of cluster payments at 2025-03-03T10:15:00.000Z (points after 2025-03-03T10:00:00.000Z):',
        '1 new, 2 resolved, 2 still firing.',
        '',
        'orders (warning): 1 new, 2 resolved',
        '  NEW       {service="api"} 812 at 2025-03-03T10:10:00.000Z (score 0.930)',
        '  RESOLVED  {service="web"} back to 40 (score 0.200)',
        '  RESOLVED  {service="old"} no longer returned by the query',
        '',
        'Prometheus: https://prometheus.example.com',
      ].join('\n'),
    );
  });

  it('says when a check was capped or failed, and shortens long lists', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ kind: 'fired' as const, labels: { pod: `p${i}` }, value: i, score: 0.9, at: NOW }));
    const capped = report({ name: 'pods', capped: true, newAnomalies: 300, alerts: { fired: 30, kept: 0, resolved: 0, suppressed: 270, expiring: 0 }, events: [...many, { kind: 'fired', labels: { alertname: 'AnomalyAlertsCapped' }, value: 300, score: NaN, at: NOW }] });
    const failed = report({ name: 'broken', status: 'failed', error: 'Prometheus query "x(": refused (400): bad_data: parse error', alerts: { fired: 0, kept: 0, resolved: 0, suppressed: 0, expiring: 0 }, events: [] });
    const summary = buildSummary(run([capped, failed]), 'https://prometheus.example.com')!;
    expect(summary.message).toContain('30 new, 0 resolved, 0 still firing, 270 held back by caps.');
    expect(summary.message).toContain('pods (warning): 30 new, 0 resolved; capped: 300 new anomalies, 270 not alerted one by one');
    expect(summary.message).toContain('  ... and 10 more');
    expect(summary.message).not.toContain('AnomalyAlertsCapped');
    expect(summary.message).toContain('Failed checks (the run is reported as failed):\n  broken: Prometheus query "x(": refused (400): bad_data: parse error');
  });

  it('keeps the subject within SNS\'s 100 printable characters', () => {
    const summary = buildSummary({ ...run([report()]), cluster: `clüster-${'x'.repeat(120)}` }, 'https://p')!;
    expect(summary.subject).toHaveLength(100);
    expect(summary.subject).toMatch(/^\[cl\?ster-x+$/);
  });

  it('publishes subject and message to the topic', async () => {
    const sent: unknown[] = [];
    const client = { send: async (command: { input: unknown }) => (sent.push(command.input), { MessageId: 'm-1' }) };
    const id = await publishSummary(client as never, 'arn:aws:sns:eu-west-1:123456789012:t', { subject: 's', message: 'm' }, deadline());
    expect([id, sent]).toEqual(['m-1', [{ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t', Subject: 's', Message: 'm' }]]);
  });
});

describe('metrics', () => {
  it('count each check\'s series, alerts and scores', async () => {
    const text = await checkRegistry(report(), 1_741_000_000).metrics();
    for (const line of [
      'anomaly_check_success 1',
      'anomaly_check_last_run_timestamp_seconds 1741000000',
      'anomaly_check_duration_seconds{phase="query"} 0.12',
      'anomaly_check_series{state="scored"} 2',
      'anomaly_check_series{state="insufficient_history"} 1',
      'anomaly_check_series{state="stale"} 0',
      'anomaly_check_anomalous_series 1',
      'anomaly_check_points_missing 1051',
      'anomaly_check_new_anomalies 1',
      'anomaly_check_alerts{action="fired"} 1',
      'anomaly_check_alerts{action="kept"} 2',
      'anomaly_check_alerts{action="resolved"} 2',
      'anomaly_check_alerts{action="suppressed"} 0',
      'anomaly_check_capped 0',
      'anomaly_check_max_score 0.93',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
  });

  it('report a failed check as failed, without counts that would look current', async () => {
    const text = await checkRegistry(report({ status: 'failed', maxScore: null }), 1).metrics();
    expect(text).toContain('anomaly_check_success 0');
    expect(text).not.toContain('anomaly_check_series');
    expect(text).not.toContain('anomaly_check_max_score');
  });

  it('record the last successful run only when the run succeeded', async () => {
    const ok = await runRegistry({ status: 'ok', durationMs: 1500, checks: [report()] }, 100).metrics();
    expect(ok).toContain('anomaly_check_run_last_success_timestamp_seconds 100');
    expect(ok).toContain('anomaly_check_run_checks{status="ok"} 1');
    const failed = await runRegistry({ status: 'failed', durationMs: 1500, checks: [report(), report({ status: 'failed' })] }, 100).metrics();
    expect(failed).not.toContain('anomaly_check_run_last_success_timestamp_seconds');
    expect(failed).toContain('anomaly_check_run_success 0');
    expect(failed).toContain('anomaly_check_run_checks{status="failed"} 1');
  });

  it('replace each check\'s group (PUT) and add to the run\'s (POST)', async () => {
    const gateway = await standIn((_q, _b, r) => r.writeHead(200).end());
    try {
      await pushRunMetrics({ cluster: 'payments', status: 'ok', durationMs: 10, checks: [report(), report({ name: 'latency' })] }, { url: gateway.url, deadline: deadline(), timeoutMs: 5_000, finishedAtSeconds: 1 });
      expect(gateway.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        'PUT /metrics/job/anomaly-check/cluster/payments/check/orders',
        'PUT /metrics/job/anomaly-check/cluster/payments/check/latency',
        'POST /metrics/job/anomaly-check/cluster/payments',
      ]);
    } finally {
      await gateway.stop();
    }
  });
});
