/**
 * Database alerts from the standard exporters: PostgreSQL
 * (postgres_exporter: `pg_up`, `pg_stat_activity_count`,
 * `pg_settings_max_connections`, `pg_replication_lag_seconds`,
 * `pg_stat_database_deadlocks`) and Redis (redis_exporter: `redis_up`,
 * `redis_memory_used_bytes`, `redis_memory_max_bytes`,
 * `redis_rejected_connections_total`). The exporter's scrape target gives
 * the `service` label.
 */
import type { MonitoringConfig } from '../../config';
import { CategoryRules, percent } from './catalogue';
import { pick } from './stack-health';
import { ABOVE, ALIGNED, BELOW, constant, growing, increasePlan, seconds, series, testPlan } from './test-series';
import type { AlertTestCase, RuleFile } from './types';

export function databasesRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'databases');
  const window = config.alerting.rateWindow;
  const postgres = { job: 'orders-db-exporter', instance: '10.1.3.4:9187', namespace: 'shop', pod: 'orders-db-0', service: 'orders-db' };
  const redis = { job: 'cache-exporter', instance: '10.1.3.8:9121', namespace: 'shop', pod: 'cache-0', service: 'cache' };
  const byTarget = ['namespace', 'service', 'instance'];

  const downTests = (forDuration: string, metric: string, labels: Record<string, string>): AlertTestCase[] => {
    const plan = testPlan(forDuration, 0);
    return [
      { kind: 'fires', description: `fires while ${metric} is 0`, series: [{ series: series(metric, labels), values: constant(0, plan.steps) }], conditionFrom: plan.conditionFrom, labels, value: 0 },
      { kind: 'quiet', description: `quiet while ${metric} is 1`, series: [{ series: series(metric, labels), values: constant(1, plan.steps) }], at: plan.quietAt },
    ];
  };

  /** A counter alert on `increase(metric[window]) > threshold`. */
  const increaseTests = (forDuration: string, threshold: number, metric: string, labels: Record<string, string>, expected: Record<string, string>): AlertTestCase[] => {
    const plan = increasePlan(threshold, window);
    const timing = testPlan(forDuration, plan.conditionFromSeconds);
    const evalMinutes = (plan.conditionFromSeconds + seconds(forDuration)) / 60;
    return [
      { kind: 'fires', evaluationInterval: ALIGNED, description: `fires at ${plan.fullWindowIncrease} in ${window}`, series: [{ series: series(metric, labels), values: growing(plan.firingPerStep, timing.steps) }], conditionFrom: timing.conditionFrom, labels: expected, value: Math.min(evalMinutes, seconds(window) / 60) * plan.firingPerStep },
      { kind: 'quiet', evaluationInterval: ALIGNED, description: `quiet at ${threshold * BELOW} in ${window}`, series: [{ series: series(metric, labels), values: growing(plan.quietPerStep, timing.steps) }], at: timing.quietAt },
    ];
  };

  return {
    fileName: 'databases.rules.yml',
    groups: [
      {
        name: 'databases',
        rules: [
          ...rules.alert('PostgresqlDown', (s) => ({
            severity: 'critical',
            expr: 'pg_up == 0',
            summary: 'PostgreSQL {{ $labels.service }} ({{ $labels.instance }}) is down',
            description: `postgres_exporter at {{ $labels.instance }} has not been able to connect to its PostgreSQL server for ${s.for}: the database is down or refuses the exporter.`,
            tests: downTests(s.for, 'pg_up', postgres),
          })),
          ...rules.alert('PostgresqlConnectionsNearMax', (s) => {
            const plan = testPlan(s.for, 0);
            const connections = (share: number) => [
              { series: series('pg_stat_activity_count', { ...postgres, datname: 'orders', state: 'active' }), values: constant(Math.round(50 * share), plan.steps) },
              { series: series('pg_stat_activity_count', { ...postgres, datname: 'orders', state: 'idle' }), values: constant(Math.round(50 * share), plan.steps) },
              { series: series('pg_settings_max_connections', postgres), values: constant(100, plan.steps) },
            ];
            // 100 connections allowed: shares round to whole connections.
            const firing = Math.round(50 * s.threshold * ABOVE) * 2;
            return {
              severity: 'warning',
              expr: `sum by (namespace, service, instance) (pg_stat_activity_count) / max by (namespace, service, instance) (pg_settings_max_connections) > ${s.threshold}`,
              summary: 'PostgreSQL {{ $labels.service }} uses {{ $value | humanizePercentage }} of its connections',
              description: `{{ $value | humanizePercentage }} of max_connections of {{ $labels.service }} ({{ $labels.instance }}) are in use (above ${percent(s.threshold)}). When none are left, new clients get "too many clients already".`,
              tests: [
                { kind: 'fires', description: `fires at ${firing} of 100 connections`, series: connections(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: pick(postgres, byTarget), value: firing / 100 },
                { kind: 'quiet', description: `quiet at ${Math.round(50 * s.threshold * BELOW) * 2} of 100`, series: connections(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('PostgresqlReplicationLag', (s) => {
            const plan = testPlan(s.for, 0);
            const replica = (lag: number, isReplica = 1) => [
              { series: series('pg_replication_lag_seconds', { ...postgres, pod: 'orders-db-1', instance: '10.1.3.5:9187' }), values: constant(lag, plan.steps) },
              { series: series('pg_replication_is_replica', { ...postgres, pod: 'orders-db-1', instance: '10.1.3.5:9187' }), values: constant(isReplica, plan.steps) },
            ];
            return {
              severity: 'high',
              expr: `max by (namespace, service, instance) (pg_replication_lag_seconds) > ${s.threshold} and on (namespace, service, instance) max by (namespace, service, instance) (pg_replication_is_replica) == 1`,
              summary: 'PostgreSQL replica {{ $labels.instance }} of {{ $labels.service }} lags {{ $value | humanizeDuration }}',
              description: `The replica {{ $labels.instance }} of {{ $labels.service }} replays transactions {{ $value | humanizeDuration }} behind the primary (above ${s.threshold}s). Reads from it are stale, and a failover to it would lose those transactions.`,
              tests: [
                { kind: 'fires', description: 'fires just above the allowed lag', series: replica(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: { ...pick(postgres, byTarget), instance: '10.1.3.5:9187' }, value: s.threshold * ABOVE },
                { kind: 'quiet', description: 'quiet just below it', series: replica(s.threshold * BELOW), at: plan.quietAt },
                { kind: 'quiet', description: 'quiet on a primary, whatever the lag says', series: replica(s.threshold * 10, 0), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('PostgresqlDeadlocks', (s) => ({
            severity: 'warning',
            expr: `sum by (namespace, service, instance, datname) (increase(pg_stat_database_deadlocks[${window}])) > ${s.threshold}`,
            summary: 'Deadlocks in PostgreSQL database {{ $labels.datname }} of {{ $labels.service }}',
            description: `{{ printf "%.0f" $value }} transactions in database {{ $labels.datname }} of {{ $labels.service }} were aborted as deadlock victims in the last ${window}. The application retries or fails them; two code paths lock rows in opposite orders.`,
            tests: increaseTests(s.for, s.threshold, 'pg_stat_database_deadlocks', { ...postgres, datname: 'orders' }, { ...pick(postgres, byTarget), datname: 'orders' }),
          })),
          ...rules.alert('RedisDown', (s) => ({
            severity: 'critical',
            expr: 'redis_up == 0',
            summary: 'Redis {{ $labels.service }} ({{ $labels.instance }}) is down',
            description: `redis_exporter at {{ $labels.instance }} has not been able to reach its Redis server for ${s.for}.`,
            tests: downTests(s.for, 'redis_up', redis),
          })),
          ...rules.alert('RedisMemoryNearMax', (s) => {
            const plan = testPlan(s.for, 0);
            const max = 4 * 1024 ** 3;
            const memory = (share: number) => [
              { series: series('redis_memory_used_bytes', redis), values: constant(Math.round(max * share), plan.steps) },
              { series: series('redis_memory_max_bytes', redis), values: constant(max, plan.steps) },
            ];
            return {
              severity: 'warning',
              expr: `redis_memory_used_bytes / redis_memory_max_bytes > ${s.threshold} and redis_memory_max_bytes > 0`,
              summary: 'Redis {{ $labels.service }} uses {{ $value | humanizePercentage }} of maxmemory',
              description: `Redis {{ $labels.service }} ({{ $labels.instance }}) uses {{ $value | humanizePercentage }} of its maxmemory (above ${percent(s.threshold)}). At the limit it evicts keys or, with noeviction, refuses writes.`,
              tests: [
                { kind: 'fires', description: `fires at ${percent(s.threshold * ABOVE)}`, series: memory(s.threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: redis, value: s.threshold * ABOVE },
                { kind: 'quiet', description: `quiet at ${percent(s.threshold * BELOW)}`, series: memory(s.threshold * BELOW), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('RedisRejectedConnections', (s) => ({
            severity: 'high',
            expr: `increase(redis_rejected_connections_total[${window}]) > ${s.threshold}`,
            summary: 'Redis {{ $labels.service }} rejects connections',
            description: `Redis {{ $labels.service }} ({{ $labels.instance }}) rejected {{ printf "%.0f" $value }} connections in the last ${window} because maxclients was reached; those clients get errors.`,
            tests: increaseTests(s.for, s.threshold, 'redis_rejected_connections_total', redis, redis),
          })),
        ],
      },
    ],
  };
}
