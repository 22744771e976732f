/**
 * AI model service alerts, from the OpenTelemetry GenAI semantic
 * conventions as exported to Prometheus: the operation duration histogram
 * `gen_ai_client_operation_duration_seconds` (with `error_type` on failed
 * calls) and the token histogram `gen_ai_client_token_usage`, both labelled
 * with `gen_ai_request_model`. The services calling models (or the model
 * gateway) export them.
 */
import type { MonitoringConfig } from '../../config';
import { CategoryRules, percent } from './catalogue';
import { ABOVE, ALIGNED, BELOW, growing, seconds, series, testPlan } from './test-series';
import type { RuleFile } from './types';

export const AI_DURATION_HISTOGRAM = 'gen_ai_client_operation_duration_seconds';
export const AI_TOKEN_HISTOGRAM = 'gen_ai_client_token_usage';

export function aiRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'ai');
  const window = config.alerting.rateWindow;
  const model = { namespace: 'assistant', service: 'assistant-api', gen_ai_request_model: 'gpt-4o-mini' };
  const by = 'namespace, service, gen_ai_request_model';

  return {
    fileName: 'ai.rules.yml',
    groups: [
      {
        name: 'ai',
        rules: [
          ...rules.alert('AiInferenceLatencyHigh', (s) => {
            const plan = testPlan(s.for);
            // Same shape as the service latency tests: 94 of 100 calls under the threshold put p95 at 1.25x it, 96 of 100 just under it.
            const buckets = (underThreshold: number) =>
              [
                [s.threshold / 2, 0],
                [s.threshold, underThreshold],
                [s.threshold * 2.5, 100],
                ['+Inf', 100],
              ].map(([le, perStep]) => ({ series: series(`${AI_DURATION_HISTOGRAM}_bucket`, { ...model, le: String(le) }), values: growing(Number(perStep), plan.steps) }));
            return {
              severity: 'warning',
              expr: `histogram_quantile(0.95, sum by (${by}, le) (rate(${AI_DURATION_HISTOGRAM}_bucket[${window}]))) > ${s.threshold}`,
              summary: '{{ $labels.service }} waits {{ $value | humanizeDuration }} (p95) for {{ $labels.gen_ai_request_model }}',
              description: `The 95th percentile duration of calls from {{ $labels.service }} to model {{ $labels.gen_ai_request_model }} over ${window} is {{ $value | humanizeDuration }} (above ${s.threshold}s).`,
              tests: [
                { kind: 'fires', description: 'fires when p95 is 1.25x the threshold', series: buckets(94), conditionFrom: plan.conditionFrom, labels: model, value: s.threshold * 1.25 },
                { kind: 'quiet', description: 'quiet when p95 is just under it', series: buckets(96), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('AiInferenceErrorRatioHigh', (s) => {
            const plan = testPlan(s.for);
            const calls = (share: number) => [
              { series: series(`${AI_DURATION_HISTOGRAM}_count`, model), values: growing(1000 * (1 - share), plan.steps) },
              { series: series(`${AI_DURATION_HISTOGRAM}_count`, { ...model, error_type: 'timeout' }), values: growing(1000 * share, plan.steps) },
            ];
            return {
              severity: 'high',
              expr: `sum by (${by}) (rate(${AI_DURATION_HISTOGRAM}_count{error_type!=""}[${window}])) / sum by (${by}) (rate(${AI_DURATION_HISTOGRAM}_count[${window}])) > ${s.threshold}`,
              summary: '{{ $value | humanizePercentage }} of calls from {{ $labels.service }} to {{ $labels.gen_ai_request_model }} fail',
              description: `{{ $value | humanizePercentage }} of the calls from {{ $labels.service }} to model {{ $labels.gen_ai_request_model }} over ${window} ended with an error (above ${percent(s.threshold)}).`,
              tests: [
                { kind: 'fires', description: `fires at ${percent(s.threshold * ABOVE)} failed calls`, series: calls(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: model, value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at ${percent(s.threshold * BELOW)}`, series: calls(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('AiTokenUsageOverBudget', (s) => {
            // Tokens per minute such that the hour's total is 2% over (or under) the budget; counters start at 0,
            // so the hour's increase only reaches the budget once an hour of samples exists.
            const firingPerMinute = (s.threshold * ABOVE) / 60;
            const conditionFromMinutes = Math.floor(s.threshold / firingPerMinute) + 1;
            const plan = testPlan(s.for, conditionFromMinutes * 60);
            const evalMinutes = conditionFromMinutes + seconds(s.for) / 60;
            const tokens = (perMinute: number) => [
              { series: series(`${AI_TOKEN_HISTOGRAM}_sum`, { ...model, gen_ai_token_type: 'input' }), values: growing(Number((perMinute / 2).toFixed(3)), plan.steps) },
              { series: series(`${AI_TOKEN_HISTOGRAM}_sum`, { ...model, gen_ai_token_type: 'output' }), values: growing(Number((perMinute / 2).toFixed(3)), plan.steps) },
            ];
            return {
              severity: 'warning',
              expr: `sum by (namespace, service) (increase(${AI_TOKEN_HISTOGRAM}_sum[1h])) > ${s.threshold}`,
              summary: '{{ $labels.service }} used {{ $value | humanize }} tokens in the last hour',
              description: `{{ $labels.service }} in {{ $labels.namespace }} consumed {{ $value | humanize }} input and output tokens in the last hour, over its budget of ${s.threshold} an hour. Check for a retry loop, a prompt that grew, or a traffic change.`,
              tests: [
                {
                  kind: 'fires',
                  description: 'fires at 2% over the hourly budget',
                  evaluationInterval: ALIGNED,
                  series: tokens(firingPerMinute),
                  conditionFrom: plan.conditionFrom,
                  labels: { namespace: model.namespace, service: model.service },
                  value: Math.min(evalMinutes, 60) * Number((firingPerMinute / 2).toFixed(3)) * 2,
                },
                { kind: 'quiet', evaluationInterval: ALIGNED, description: 'quiet at 2% under it', series: tokens((s.threshold * BELOW) / 60), at: plan.quietAt },
              ],
            };
          }),
        ],
      },
    ],
  };
}
