/**
 * Queue alerts: messages waiting in a RabbitMQ queue (the built-in
 * Prometheus plugin's per-object metrics, `rabbitmq_queue_messages_ready`)
 * and Kafka consumer-group lag (kafka_exporter's `kafka_consumergroup_lag`),
 * each above a threshold for a while: consumers are down or cannot keep up.
 */
import type { MonitoringConfig } from '../../config';
import { CategoryRules } from './catalogue';
import { constant, series, testPlan } from './test-series';
import type { AlertTestCase, RuleFile } from './types';

export function queuesRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'queues');

  /** A gauge summed by `by`: the threshold plus one fires, the threshold itself does not. */
  const gaugeTests = (forDuration: string, threshold: number, members: Array<Record<string, string>>, metric: string, expected: Record<string, string>): AlertTestCase[] => {
    const plan = testPlan(forDuration, 0);
    const split = (total: number) => members.map((labels, i) => ({ series: series(metric, labels), values: constant(i === 0 ? total - (members.length - 1) : 1, plan.steps) }));
    return [
      { kind: 'fires', description: `fires at ${threshold + 1}`, series: split(threshold + 1), conditionFrom: plan.conditionFrom, labels: expected, value: threshold + 1 },
      { kind: 'quiet', description: `quiet at ${threshold}`, series: split(threshold), at: plan.quietAt },
    ];
  };

  const rabbit = { job: 'rabbitmq', instance: '10.1.4.2:15692', namespace: 'shop', service: 'rabbitmq', vhost: '/', queue: 'orders' };
  const kafka = { job: 'kafka-exporter', instance: '10.1.4.6:9308', namespace: 'shop', service: 'kafka-exporter', consumergroup: 'fulfilment', topic: 'orders' };

  return {
    fileName: 'queues.rules.yml',
    groups: [
      {
        name: 'queues',
        rules: [
          ...rules.alert('QueueDepthHigh', (s) => ({
            severity: 'warning',
            expr: `max by (namespace, service, vhost, queue) (rabbitmq_queue_messages_ready) > ${s.threshold}`,
            summary: 'Queue {{ $labels.queue }} holds {{ $value | humanize }} messages',
            description: `{{ $value | humanize }} messages have been waiting in queue {{ $labels.queue }} (vhost {{ $labels.vhost }}) of {{ $labels.service }} for ${s.for} (above ${s.threshold}): its consumers are down or too slow.`,
            tests: gaugeTests(s.for, s.threshold, [rabbit], 'rabbitmq_queue_messages_ready', { namespace: 'shop', service: 'rabbitmq', vhost: '/', queue: 'orders' }),
          })),
          ...rules.alert('QueueProcessingLagHigh', (s) => ({
            severity: 'warning',
            expr: `sum by (namespace, service, consumergroup, topic) (kafka_consumergroup_lag) > ${s.threshold}`,
            summary: 'Consumer group {{ $labels.consumergroup }} is {{ $value | humanize }} messages behind on {{ $labels.topic }}',
            description: `Consumer group {{ $labels.consumergroup }} has been {{ $value | humanize }} messages behind the head of topic {{ $labels.topic }} (all partitions) for ${s.for} (above ${s.threshold}).`,
            tests: gaugeTests(
              s.for,
              s.threshold,
              [
                { ...kafka, partition: '0' },
                { ...kafka, partition: '1' },
              ],
              'kafka_consumergroup_lag',
              { namespace: 'shop', service: 'kafka-exporter', consumergroup: 'fulfilment', topic: 'orders' },
            ),
          })),
        ],
      },
    ],
  };
}
