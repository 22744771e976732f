/**
 * Alerts as Alertmanager takes them, and the decisions that produce
 * them: which alarms fire, which firing alerts are kept or resolved, what
 * the cap holds back, and how series that go stale, vanish or collide are
 * handled.
 */
import { alertLabels, CAPPED_ALERT_NAME, cappedAlert, describeSeries, firingAlert, formatScore, formatValue, generatorUrl, labelSetKey, resolvedAlert } from '../../../lambdas/anomaly-check/alert-builder';
import { decideAlerts, isCappedEvent, type KnownAlert } from '../../../lambdas/anomaly-check/decide';
import { alarm, check, CONTEXT, evaluation, NOW, seriesEval } from './fixtures';

const EXPIRY = 45 * 60_000;
const decide = (series: Parameters<typeof evaluation>[0], known: KnownAlert[] = [], checkInput = {}) => decideAlerts(evaluation(series, checkInput), known, { nowMs: NOW, alertExpiryMs: EXPIRY, context: CONTEXT });
/** The alert Alertmanager would hold for a series of the default check. */
const firingFor = (seriesLabels: Record<string, string>, startsAt = NOW - 30 * 60_000, checkInput = {}): KnownAlert => ({ labels: alertLabels(check(checkInput), seriesLabels, CONTEXT), startsAt: new Date(startsAt).toISOString() });

describe('alert labels', () => {
  it('are the series\' labels without the metric name, plus the check, severity and cluster; the check\'s labels win', () => {
    const labels = alertLabels(check({ labels: { tier: 'gold', service: 'checkout' } }), { __name__: 'orders_total', service: 'api', instance: 'a:9100', empty: '' }, CONTEXT);
    expect(labels).toEqual({ alertname: 'AnomalyDetected', anomaly_check: 'orders', severity: 'warning', cluster: 'payments', service: 'checkout', instance: 'a:9100', tier: 'gold' });
  });

  it('keep a series label that clashes with one the Lambda sets as exported_<name>; a series\' team stays unless the check names one', () => {
    const series = { severity: 'low', cluster: 'other', alertname: 'x', anomaly_check: 'y', team: 'storefront' };
    expect(alertLabels(check(), series, CONTEXT)).toEqual({
      alertname: 'AnomalyDetected', anomaly_check: 'orders', severity: 'warning', cluster: 'payments', team: 'storefront',
      exported_severity: 'low', exported_cluster: 'other', exported_alertname: 'x', exported_anomaly_check: 'y',
    });
    expect(alertLabels(check({ team: 'payments', severity: 'high', alertName: 'OrdersAnomaly' }), series, CONTEXT)).toMatchObject({ alertname: 'OrdersAnomaly', severity: 'high', team: 'payments', exported_team: 'storefront' });
  });

  it('have one identity whatever the order', () => {
    expect(labelSetKey({ a: '1', b: '2' })).toBe(labelSetKey({ b: '2', a: '1' }));
    expect(labelSetKey({ a: '1' })).not.toBe(labelSetKey({ a: '2' }));
  });
});

describe('alert content', () => {
  it('links to the Prometheus graph of the query', () => {
    expect(generatorUrl('https://prometheus.example.com/', 'sum by (service) (rate(x{code=~"5.."}[5m]))')).toBe(
      'https://prometheus.example.com/graph?g0.expr=sum%20by%20(service)%20(rate(x%7Bcode%3D~%225..%22%7D%5B5m%5D))&g0.tab=0&g0.range_input=1d',
    );
  });

  it('writes values and series for people', () => {
    expect([formatValue(3), formatValue(0.000123456789), formatValue(1234567.891), formatValue(NaN)]).toEqual(['3', '0.000123457', '1234570', 'NaN']);
    expect([formatScore(0.87654), formatScore(NaN)]).toEqual(['0.877', 'n/a']);
    expect(describeSeries({ service: 'api', __name__: 'x', instance: 'a' })).toBe('{instance="a", service="api"}');
    expect(describeSeries({ v: 'x'.repeat(300) })).toHaveLength(201);
  });

  it('fires with the score and value as annotations, the episode\'s start, and an end a few intervals away', () => {
    const alert = firingAlert(check({ description: 'Orders per second.' }), { seriesLabels: { service: 'api' }, value: 1234.5678, score: 0.91234, at: NOW - 300_000, startsAt: NOW - 300_000 }, NOW + EXPIRY, CONTEXT);
    expect(alert).toEqual({
      labels: { alertname: 'AnomalyDetected', anomaly_check: 'orders', severity: 'warning', cluster: 'payments', service: 'api' },
      annotations: {
        summary: 'Anomaly in orders {service="api"}: 1234.57 at 2025-03-03T10:10:00.000Z (score 0.912)',
        description: expect.stringMatching(/^Orders per second\. The ensemble detector \(sensitivity low\) finds 1234\.57 at 2025-03-03T10:10:00\.000Z unusual .* score 0\.912, where 0\.5 is the detector's medium threshold\. The alert resolves when the score falls below 0\.5\. Query: sum by \(service\)/),
        score: '0.912',
        value: '1234.57',
        runbook_url: 'https://runbooks.example.com/anomaly',
      },
      startsAt: '2025-03-03T10:10:00.000Z',
      endsAt: '2025-03-03T11:00:00.000Z',
      generatorURL: expect.stringMatching(/^https:\/\/prometheus\.example\.com\/graph\?g0\.expr=/),
    });
    expect(firingAlert(check({ runbookUrl: 'https://wiki.example.com/orders' }), { seriesLabels: {}, value: 1, score: 0.6, at: NOW, startsAt: NOW }, NOW, CONTEXT).annotations.runbook_url).toBe('https://wiki.example.com/orders');
  });

  it('resolves with the same labels and start, ending now, saying why', () => {
    const labels = alertLabels(check(), { service: 'api' }, CONTEXT);
    const normal = resolvedAlert(check(), labels, '2025-03-03T09:40:00.000Z', { kind: 'normal', score: 0.2, value: 10, at: NOW }, NOW, CONTEXT);
    expect(normal).toMatchObject({ labels, startsAt: '2025-03-03T09:40:00.000Z', endsAt: '2025-03-03T10:15:00.000Z', annotations: { summary: 'Anomaly in orders {service="api"} is over: 10 at 2025-03-03T10:15:00.000Z (score 0.200)', score: '0.200', value: '10' } });
    expect(resolvedAlert(check(), labels, '2025-03-03T09:40:00.000Z', { kind: 'vanished' }, NOW, CONTEXT).annotations.summary).toBe('Anomaly in orders {service="api"} resolved: the query no longer returns this series');
    // Never an end before the start (a replay of an earlier instant).
    expect(resolvedAlert(check(), labels, '2025-03-03T11:00:00.000Z', { kind: 'uncapped' }, NOW, CONTEXT).endsAt).toBe('2025-03-03T11:00:00.000Z');
  });

  it('sums up a cap in one alert of its own', () => {
    const alert = cappedAlert(check({ maxAlerts: 2, team: 'shop' }), { newAnomalies: 40, alerted: 2, uncovered: 35 }, NOW, NOW + EXPIRY, CONTEXT);
    expect(alert.labels).toEqual({ alertname: CAPPED_ALERT_NAME, anomaly_check: 'orders', severity: 'warning', cluster: 'payments', team: 'shop' });
    expect(alert.annotations.summary).toBe('40 series of check orders turned anomalous in one run; alerted the 2 with the highest scores');
    expect(cappedAlert(check(), { newAnomalies: 0, alerted: 0, uncovered: 3 }, NOW, NOW, CONTEXT).annotations.summary).toBe('3 series of check orders are still anomalous without an alert of their own');
  });
});

describe('decideAlerts', () => {
  it('fires for a new alarm in the interval, starting when the episode started', () => {
    const decision = decide([seriesEval({ service: 'api' }, { alarms: [alarm(10, 0.7, 50), alarm(5, 0.9, 80)], lastScore: 0.8 }), seriesEval({ service: 'web' })]);
    expect(decision.fire).toHaveLength(1);
    expect(decision.fire[0]).toMatchObject({ labels: { service: 'api' }, startsAt: new Date(NOW - 5 * 60_000).toISOString(), endsAt: new Date(NOW + EXPIRY).toISOString(), annotations: { value: '80', score: '0.900' } });
    expect(decision).toMatchObject({ keep: [], resolve: [], newAnomalies: 1, suppressed: 0, capped: false });
    expect(decision.events).toEqual([{ kind: 'fired', labels: expect.objectContaining({ service: 'api' }), value: 80, score: 0.9, at: NOW - 5 * 60_000 }]);
  });

  it('fires for a spike that is already over: people hear of it, and the next run resolves it', () => {
    expect(decide([seriesEval({ service: 'api' }, { alarms: [alarm(10, 0.8)], lastScore: 0.05 })]).fire).toHaveLength(1);
  });

  it('keeps a firing alert while the newest score is at least 0.5, with its original start and a new end', () => {
    const decision = decide([seriesEval({ service: 'api' }, { lastScore: 0.5, lastValue: 70 })], [firingFor({ service: 'api' })]);
    expect(decision.keep).toEqual([expect.objectContaining({ startsAt: new Date(NOW - 30 * 60_000).toISOString(), endsAt: new Date(NOW + EXPIRY).toISOString() })]);
    expect(decision.keep[0].annotations).toMatchObject({ value: '70', score: '0.500' });
    expect(decision.fire).toEqual([]);
    expect(decision.events).toEqual([]);
  });

  it('keeps rather than re-fires when a firing series raises another alarm', () => {
    const decision = decide([seriesEval({ service: 'api' }, { alarms: [alarm(5, 0.99)], lastScore: 0.9 })], [firingFor({ service: 'api' })]);
    expect([decision.fire.length, decision.keep.length, decision.newAnomalies]).toEqual([0, 1, 0]);
  });

  it('resolves a firing alert once the score is below 0.5', () => {
    const decision = decide([seriesEval({ service: 'api' }, { lastScore: 0.49, lastValue: 12 })], [firingFor({ service: 'api' })]);
    expect(decision.resolve).toEqual([expect.objectContaining({ labels: expect.objectContaining({ service: 'api' }), endsAt: new Date(NOW).toISOString() })]);
    expect(decision.events).toEqual([{ kind: 'resolved', labels: expect.objectContaining({ service: 'api' }), reason: { kind: 'normal', score: 0.49, value: 12, at: NOW } }]);
  });

  it('leaves the alerts of stale or too-short series to expire: no data is no evidence either way', () => {
    const decision = decide([seriesEval({ service: 'api' }, { state: 'stale', lastScore: NaN }), seriesEval({ service: 'web' }, { state: 'insufficient-history', lastScore: NaN })], [firingFor({ service: 'api' }), firingFor({ service: 'web' })]);
    expect(decision).toMatchObject({ fire: [], keep: [], resolve: [], expiring: 2 });
  });

  it('resolves the alerts of series the query no longer returns', () => {
    const decision = decide([seriesEval({ service: 'api' })], [firingFor({ service: 'gone' })]);
    expect(decision.resolve).toEqual([expect.objectContaining({ labels: expect.objectContaining({ service: 'gone' }), annotations: expect.objectContaining({ summary: expect.stringContaining('the query no longer returns this series') }) })]);
    expect(decision.events[0]).toMatchObject({ kind: 'resolved', reason: { kind: 'vanished' } });
  });

  it('caps new alerts at maxAlerts, highest scores first, and sums up the rest in one alert', () => {
    const series = Array.from({ length: 25 }, (_, i) => seriesEval({ pod: `p${i}` }, { alarms: [alarm(5, 0.6 + i / 100)], lastScore: i % 2 ? 0.8 : 0.2 }));
    const decision = decide(series, [], { maxAlerts: 3 });
    expect(decision.fire.filter((a) => a.labels.alertname === 'AnomalyDetected').map((a) => a.labels.pod)).toEqual(['p24', 'p23', 'p22']);
    const capped = decision.fire.find((a) => a.labels.alertname === CAPPED_ALERT_NAME)!;
    expect(capped.annotations).toMatchObject({ new_anomalies: '25', alerted: '3', uncovered_series: '11' });
    expect(decision).toMatchObject({ newAnomalies: 25, suppressed: 22, capped: true });
    expect(decision.events.filter(isCappedEvent)).toHaveLength(1);
  });

  it('keeps the capped alert while held-back series are still anomalous, and resolves it after', () => {
    const cappedKnown: KnownAlert = { labels: cappedAlert(check(), { newAnomalies: 0, alerted: 0, uncovered: 0 }, NOW, NOW, CONTEXT).labels, startsAt: new Date(NOW - 15 * 60_000).toISOString() };
    const still = decide([seriesEval({ pod: 'held' }, { lastScore: 0.7 })], [cappedKnown]);
    expect(still.keep.map((a) => a.labels.alertname)).toEqual([CAPPED_ALERT_NAME]);
    expect(still.keep[0]).toMatchObject({ startsAt: cappedKnown.startsAt, annotations: { uncovered_series: '1' } });
    const over = decide([seriesEval({ pod: 'held' }, { lastScore: 0.1 })], [cappedKnown]);
    expect(over.resolve.map((a) => [a.labels.alertname, a.annotations.summary])).toEqual([[CAPPED_ALERT_NAME, 'Check orders is back under its cap of 10 new alerts per run']]);
    expect(over.capped).toBe(false);
  });

  it('alerts once for series whose labels collide once the metric name is dropped', () => {
    const decision = decide([seriesEval({ __name__: 'a', service: 'api' }, { alarms: [alarm(5, 0.9)] }), seriesEval({ __name__: 'b', service: 'api' }, { alarms: [alarm(5, 0.95)] })]);
    expect([decision.fire.length, decision.duplicateSeries]).toEqual([1, 1]);
  });
});
