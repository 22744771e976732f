/**
 * Security alerts from the HTTP request counter: the share of requests
 * refused for authentication or authorization (401/403) — credential
 * stuffing, a broken client, an expired key — and the share refused by rate
 * limiting (429).
 */
import type { MonitoringConfig } from '../../config';
import { CategoryRules, percent } from './catalogue';
import { ABOVE, BELOW, growing, series, testPlan } from './test-series';
import type { AlertTestCase, RuleFile } from './types';

export function securityRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'security');
  const window = config.alerting.rateWindow;
  const { requestsTotal, statusCodeLabel: code } = config.alerting.http;
  const service = { namespace: 'shop', service: 'checkout' };

  const ratio = (codes: string, threshold: number) =>
    `sum by (namespace, service) (rate(${requestsTotal}{${code}=~"${codes}"}[${window}])) / sum by (namespace, service) (rate(${requestsTotal}[${window}])) > ${threshold}`;
  const ratioTests = (refusedCode: string, threshold: number, forDuration: string): AlertTestCase[] => {
    const plan = testPlan(forDuration);
    const requests = (share: number) => [
      { series: series(requestsTotal, { ...service, [code]: '200' }), values: growing(10000 * (1 - share), plan.steps) },
      { series: series(requestsTotal, { ...service, [code]: refusedCode }), values: growing(10000 * share, plan.steps) },
    ];
    return [
      { kind: 'fires', description: `fires at ${percent(threshold * ABOVE)} ${refusedCode} responses`, series: requests(threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: service, value: threshold * ABOVE },
      { kind: 'quiet', description: `quiet at ${percent(threshold * BELOW)}`, series: requests(threshold * BELOW), at: plan.quietAt },
    ];
  };

  return {
    fileName: 'security.rules.yml',
    groups: [
      {
        name: 'security',
        rules: [
          ...rules.alert('AuthFailureRatioHigh', (s) => ({
            severity: 'warning',
            expr: ratio('401|403', s.threshold),
            summary: '{{ $value | humanizePercentage }} of requests to {{ $labels.service }} fail authentication',
            description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} in {{ $labels.namespace }} over ${window} were answered 401 or 403 (above ${percent(s.threshold)}): a credential-stuffing attempt, a client with an expired or revoked credential, or a broken auth dependency.`,
            tests: ratioTests('401', s.threshold, s.for),
          })),
          ...rules.alert('RateLimitViolationsHigh', (s) => ({
            severity: 'warning',
            expr: ratio('429', s.threshold),
            summary: '{{ $value | humanizePercentage }} of requests to {{ $labels.service }} are rate limited',
            description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} in {{ $labels.namespace }} over ${window} were refused with 429 Too Many Requests (above ${percent(s.threshold)}): a client exceeds its quota, or abuse is being throttled.`,
            tests: ratioTests('429', s.threshold, s.for),
          })),
        ],
      },
    ],
  };
}
