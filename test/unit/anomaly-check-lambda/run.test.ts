/**
 * A whole run, with Prometheus answered from a table and stand-ins for
 * Alertmanager and the Pushgateway: what fires, keeps and resolves, and
 * each error path with its documented outcome (a failed check is reported
 * and the others still delivered; a replica, the topic or the Pushgateway
 * that cannot be reached fails the run after everything else was done).
 */
import { AnomalyCheck } from '../../../config/sections/anomaly';
import { alertLabels } from '../../../lambdas/anomaly-check/alert-builder';
import { PrometheusGridReader } from '../../../lambdas/anomaly-check/range-reader';
import { runAnomalyChecks, type RunDeps } from '../../../lambdas/anomaly-check/run';
import { settingsFromEnv } from '../../../lambdas/anomaly-check/settings';
import { Deadline } from '../../../lambdas/shared/deadline';
import { silentLogger } from '../../../lambdas/shared/log';
import { check, CONTEXT, fakePrometheus, NOW, standIn, STACK_ENV, weekSeries } from './fixtures';

const ORDERS = check();
const LATENCY = AnomalyCheck.parse({ name: 'latency', query: 'histogram_quantile(0.95, sum by (le) (rate(x[5m])))', severity: 'high', lookback: '7d' });
/** Three times the usual value at the last two points: an anomaly still going on. */
const SPIKE = { [-2]: (v: number) => v * 3, [-1]: (v: number) => v * 3 };
const answers = {
  [ORDERS.query]: [weekSeries({ service: 'api' }, 1, SPIKE), weekSeries({ service: 'web' }, 2), weekSeries({ service: 'new' }, 3)].map((s) => (s.metric.service === 'new' ? { ...s, samples: s.samples.slice(-30) } : s)),
  [LATENCY.query]: [weekSeries({}, 4)],
};

type StandIn = Awaited<ReturnType<typeof standIn>>;
let alertmanagers: StandIn[];
let gateway: StandIn;

beforeEach(async () => {
  alertmanagers = [await standIn(), await standIn()];
  gateway = await standIn((_q, _b, r) => r.writeHead(200).end());
});
afterEach(async () => {
  await Promise.all([...alertmanagers, gateway].map((s) => s.stop()));
});

function settings(change: Record<string, string | undefined> = {}) {
  return settingsFromEnv({ ...STACK_ENV, ALERT_TOPIC_ARN: undefined, ALERTMANAGER_URLS: alertmanagers.map((a) => a.url).join(','), PUSHGATEWAY_URL: gateway.url, ...change }, '/work');
}
const deps = (change: Partial<RunDeps> = {}): RunDeps => ({ prometheus: fakePrometheus(answers), logger: silentLogger, now: () => NOW + 2_000, ...change });
const posted = (server: StandIn) => server.seen.filter((s) => s.method === 'POST').flatMap((s) => JSON.parse(s.body));
const deadline = () => Deadline.after(30_000);

describe('a run', () => {
  it('evaluates every check, posts the new alert to every Alertmanager and pushes each check\'s metrics', async () => {
    const report = await runAnomalyChecks(settings(), [ORDERS, LATENCY], deps(), { deadline: deadline() });
    expect(report).toMatchObject({ status: 'ok', problems: [], cluster: 'payments', evaluatedAt: '2025-03-03T10:15:02.000Z', window: { since: '2025-03-03T10:00:00.000Z', until: '2025-03-03T10:15:02.000Z' }, dryRun: false });
    expect(report.checks.map((c) => [c.name, c.status, c.series.total, c.series.scored, c.series.insufficientHistory, c.alerts.fired])).toEqual([
      ['orders', 'ok', 3, 2, 1, 1],
      ['latency', 'ok', 1, 1, 0, 0],
    ]);
    for (const am of alertmanagers) {
      expect(posted(am)).toEqual([expect.objectContaining({ labels: { alertname: 'AnomalyDetected', anomaly_check: 'orders', severity: 'warning', cluster: 'payments', service: 'api' } })]);
    }
    expect(report.alertmanager).toMatchObject({ alerts: 1, posted: alertmanagers.map((a) => ({ url: a.url, ok: true })) });
    expect(report.sns).toEqual({ status: 'not-configured' });
    expect(report.pushgateway).toEqual({ status: 'done' });
    expect(gateway.seen.map((s) => s.url)).toEqual(['/metrics/job/anomaly-check/cluster/payments/check/orders', '/metrics/job/anomaly-check/cluster/payments/check/latency', '/metrics/job/anomaly-check/cluster/payments']);
  });

  it('resolves what Alertmanager holds once the series is normal, and keeps what is still anomalous', async () => {
    const iso = new Date(NOW - 3_600_000).toISOString();
    const held = [alertLabels(ORDERS, { service: 'web' }, CONTEXT), alertLabels(ORDERS, { service: 'api' }, CONTEXT)].map((labels) => ({ labels, startsAt: iso, endsAt: '2030-01-01T00:00:00Z' }));
    alertmanagers[1].set((_q, body, r) => r.writeHead(200).end(body ? '' : JSON.stringify(held)));
    const report = await runAnomalyChecks(settings(), [ORDERS], deps(), { deadline: deadline() });
    expect(report.checks[0].alerts).toMatchObject({ fired: 0, kept: 1, resolved: 1 });
    const alerts = posted(alertmanagers[0]);
    expect(alerts.find((a: any) => a.labels.service === 'web')).toMatchObject({ startsAt: iso, endsAt: '2025-03-03T10:15:02.000Z' });
    expect(alerts.find((a: any) => a.labels.service === 'api')).toMatchObject({ startsAt: iso, endsAt: '2025-03-03T11:00:02.000Z' });
  });

  it('reports a check whose query fails and still runs and delivers the others; the run fails', async () => {
    const broken = AnomalyCheck.parse({ name: 'broken', query: 'sum(rate(x[5m])' });
    const prometheus = fakePrometheus({ ...answers, [broken.query]: new Error('Prometheus query "sum(rate(x[5m])": refused (400): bad_data: 1:16: parse error: unclosed left parenthesis') });
    const report = await runAnomalyChecks(settings(), [broken, ORDERS], deps({ prometheus }), { deadline: deadline() });
    expect(report.status).toBe('failed');
    expect(report.problems).toEqual(['check broken failed: Prometheus query "sum(rate(x[5m])": refused (400): bad_data: 1:16: parse error: unclosed left parenthesis']);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([['broken', 'failed'], ['orders', 'ok']]);
    expect(posted(alertmanagers[0])).toHaveLength(1);
    expect(report.pushgateway.status).toBe('done');
    expect(gateway.seen[0].body).toContain('anomaly_check_success 0');
  });

  it('gives up on a Prometheus that does not answer within the check\'s share of the time, and delivers the rest', async () => {
    const silent = await standIn(() => undefined);
    try {
      const started = Date.now();
      const prometheus = (d: Deadline) => new PrometheusGridReader({ url: silent.url, deadline: d, timeoutMs: 30_000 });
      const report = await runAnomalyChecks(settings(), [ORDERS], deps({ prometheus }), { deadline: Deadline.after(8_000) });
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(report.checks[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^RetryError: Prometheus query_range .* failed \(stopped after 1 attempt\(s\): the remaining time cannot hold another\): TimeoutError/) });
      expect(report.pushgateway.status).toBe('done');
    } finally {
      await silent.stop();
    }
  }, 15_000);

  it('fails the run when no Alertmanager can be read, still posting new alarms where it can', async () => {
    alertmanagers.forEach((am) => am.set((_q, body, r) => (body ? r.writeHead(200).end() : r.writeHead(400).end('no'))));
    const report = await runAnomalyChecks(settings(), [ORDERS], deps(), { deadline: deadline() });
    expect(report.status).toBe('failed');
    expect(report.problems).toEqual([
      expect.stringMatching(/^cannot read the active alerts of http:\/\/127\.0\.0\.1:\d+: .*answered 400: no/),
      expect.stringMatching(/^cannot read the active alerts of http:\/\/127\.0\.0\.1:\d+: .*answered 400: no/),
      'no Alertmanager could be read: firing anomaly alerts can be neither kept nor resolved in this run (they expire after the alert expiry)',
    ]);
    expect(posted(alertmanagers[0])).toHaveLength(1);
  });

  it('fails the run when one Alertmanager refuses the alerts; the other still has them', async () => {
    alertmanagers[0].set((_q, body, r) => (body ? r.writeHead(500).end('disk full') : r.writeHead(200).end('[]')));
    const report = await runAnomalyChecks(settings(), [ORDERS], deps(), { deadline: deadline() });
    expect(report.problems).toEqual([expect.stringMatching(/^cannot post 1 alerts to http:\/\/127\.0\.0\.1:\d+: RetryError: POST .* failed \(gave up after 5 attempts\): .*answered 500: disk full/)]);
    expect(posted(alertmanagers[1])).toHaveLength(1);
  });

  it('fails the run when the metrics cannot be pushed, after delivering the alerts', async () => {
    gateway.set((_q, _b, r) => r.writeHead(400).end('pushed metrics are invalid'));
    const report = await runAnomalyChecks(settings(), [ORDERS], deps(), { deadline: deadline() });
    expect(report.pushgateway).toEqual({ status: 'failed', error: expect.stringContaining('pushed metrics are invalid') });
    expect(report.problems).toEqual([expect.stringMatching(/^cannot push the metrics to http:\/\/127\.0\.0\.1:\d+: /)]);
    expect(posted(alertmanagers[0])).toHaveLength(1);
  });

  it('publishes one summary when something fired, and fails the run when the topic refuses it', async () => {
    const sent: any[] = [];
    const ok = { send: async (command: { input: unknown }) => (sent.push(command.input), { MessageId: 'm-7' }) };
    const withTopic = settings({ ALERT_TOPIC_ARN: STACK_ENV.ALERT_TOPIC_ARN });
    const report = await runAnomalyChecks(withTopic, [ORDERS, LATENCY], deps({ sns: ok as never }), { deadline: deadline() });
    expect(report.sns).toEqual({ status: 'done', messageId: 'm-7' });
    expect(sent).toEqual([{ TopicArn: STACK_ENV.ALERT_TOPIC_ARN, Subject: '[payments] Anomalies: 1 new, 0 resolved', Message: expect.stringContaining('NEW       {service="api"}') }]);
    const refusing = { send: async () => Promise.reject(Object.assign(new Error('User is not authorized to perform: SNS:Publish'), { name: 'AuthorizationErrorException' })) };
    const failed = await runAnomalyChecks(withTopic, [ORDERS], deps({ sns: refusing as never }), { deadline: deadline() });
    expect(failed.sns).toEqual({ status: 'failed', error: 'AuthorizationErrorException: User is not authorized to perform: SNS:Publish' });
    expect(failed.problems).toEqual([`cannot publish the summary to ${STACK_ENV.ALERT_TOPIC_ARN}: AuthorizationErrorException: User is not authorized to perform: SNS:Publish`]);
  });

  it('publishes nothing when nothing changed', async () => {
    const sent: unknown[] = [];
    const sns = { send: async (command: { input: unknown }) => (sent.push(command.input), {}) };
    const report = await runAnomalyChecks(settings({ ALERT_TOPIC_ARN: STACK_ENV.ALERT_TOPIC_ARN }), [LATENCY], deps({ sns: sns as never }), { deadline: deadline() });
    expect([report.sns.status, sent.length]).toEqual(['nothing-to-do', 0]);
  });

  it('in a dry run, reads Alertmanager and decides, but posts, publishes and pushes nothing', async () => {
    const sent: unknown[] = [];
    const sns = { send: async (command: { input: unknown }) => (sent.push(command.input), {}) };
    const report = await runAnomalyChecks(settings({ ALERT_TOPIC_ARN: STACK_ENV.ALERT_TOPIC_ARN }), [ORDERS], deps({ sns: sns as never }), { deadline: deadline(), dryRun: true });
    expect(report).toMatchObject({ status: 'ok', dryRun: true, sns: { status: 'dry-run' }, pushgateway: { status: 'dry-run' }, alertmanager: { posted: [] } });
    expect(report.wouldPost).toEqual([expect.objectContaining({ labels: expect.objectContaining({ service: 'api' }) })]);
    expect(alertmanagers.flatMap((a) => a.seen.map((s) => s.method))).toEqual(['GET', 'GET']);
    expect([gateway.seen.length, sent.length]).toEqual([0, 0]);
  });
});
