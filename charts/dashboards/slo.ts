/**
 * One dashboard per SLO, from the recording rules of `config/slo.ts`:
 * compliance and budget left over the SLO window, burn rates against the
 * alerting thresholds, the SLI over time, event counts and the SLO's alerts.
 */
import type { MonitoringConfig } from '../../config';
import type { Slo } from '../../config/sections/slos';
import { BURN_RATE_ALERTS, SLO_GOOD_COUNT_RECORD, SLO_TOTAL_COUNT_RECORD, SLO_WINDOWS, sloBurnRateQuery, sloComplianceQuery, sloErrorBudgetRemainingQuery, sloErrorRatioQuery, sloSelector } from '../../config/slo';
import { dashboard, type DashboardModel, q, row, stat, timeseries } from './panels';

/** The dashboard name (and ConfigMap suffix) of an SLO. */
export function sloDashboardName(slo: Pick<Slo, 'name'>): string {
  return `slo-${slo.name}`;
}

export function sloDashboard(_config: MonitoringConfig, slo: Slo): DashboardModel {
  const sli = slo.sli.kind === 'availability' ? `good events: ${slo.sli.good.metric}, all events: ${slo.sli.total.metric}` : `requests of ${slo.sli.histogram} at or under ${slo.sli.threshold}s`;
  const factors = BURN_RATE_ALERTS.flatMap((a) => a.conditions.map((c) => c.factor));
  return dashboard({
    uid: sloDashboardName(slo),
    title: `SLO ${slo.name}`,
    description: `${slo.description || `${slo.objective}% over ${slo.window}`} (service ${slo.service}; ${sli}).`,
    tags: ['slo', slo.service],
    from: 'now-7d',
  })
    .withRow(row(`Objective ${slo.objective}% over ${slo.window}`))
    .withPanel(stat(`Compliance over ${slo.window}`, q(sloComplianceQuery(slo)), { unit: 'percentunit', width: 6, steps: [['red'], ['green', slo.objective / 100]] }))
    .withPanel(stat(`Error budget left over ${slo.window}`, q(sloErrorBudgetRemainingQuery(slo)), { unit: 'percentunit', width: 6, steps: [['red'], ['orange', 0], ['green', 0.25]] }))
    .withPanel(stat('Burn rate, last hour', q(sloBurnRateQuery(slo, '1h')), { width: 6, steps: [['green'], ['orange', 1], ['red', Math.max(...factors)]], description: '1 spends exactly the budget over the SLO window.' }))
    .withPanel(stat('Burn rate, last 3 days', q(sloBurnRateQuery(slo, '3d')), { width: 6, steps: [['green'], ['orange', 1]] }))
    .withRow(row('Burn'))
    .withPanel(
      timeseries('Burn rate by window', SLO_WINDOWS.map((w) => q(sloBurnRateQuery(slo, w), w)), {
        width: 12,
        steps: [['green'], ...factors.slice().sort((a, b) => a - b).map((f) => ['red', f] as const)],
        description: `Alert thresholds: ${BURN_RATE_ALERTS.map((a) => a.conditions.map((c) => `${c.factor}x over ${c.longWindow} and ${c.shortWindow} (${a.severity})`).join(', ')).join('; ')}.`,
      }),
    )
    .withPanel(timeseries('SLI (good events, 5-minute window)', [q(`1 - ${sloErrorRatioQuery(slo, '5m')}`, 'SLI')], { unit: 'percentunit', width: 12, max: 1, steps: [['red'], ['green', slo.objective / 100]] }))
    .withRow(row('Events and alerts'))
    .withPanel(
      timeseries('Events per hour', [q(`sum(sum_over_time(${SLO_TOTAL_COUNT_RECORD}${sloSelector(slo)}[1h]))`, 'all'), q(`sum(sum_over_time(${SLO_TOTAL_COUNT_RECORD}${sloSelector(slo)}[1h])) - sum(sum_over_time(${SLO_GOOD_COUNT_RECORD}${sloSelector(slo)}[1h]))`, 'bad')], {
        width: 12,
      }),
    )
    .withPanel(timeseries('Burn-rate alerts', [q(`sum by (alertname, alertstate) (ALERTS${sloSelector(slo)})`, '{{alertname}} {{alertstate}}')], { width: 12 }))
    .build();
}
