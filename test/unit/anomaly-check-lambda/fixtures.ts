/** Shared fixtures of the anomaly-check Lambda's unit tests: settings, checks and hand-made evaluations. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnomalyCheck, type AnomalyCheckInput } from '../../../config/sections/anomaly';
import type { AlertContext } from '../../../lambdas/anomaly-check/alert-builder';
import type { CheckEvaluation, SeriesEvaluation } from '../../../lambdas/anomaly-check/evaluate-check';
import { type GridReader, readerFromQuerier } from '../../../lambdas/anomaly-check/range-reader';
import type { Deadline } from '../../../lambdas/shared/deadline';
import type { RangeSeries } from '../../../lambdas/shared/prometheus-client';
import { seriesValues } from '../../integration/anomaly-check-harness';
import { queryRange } from '../../../lambdas/anomaly-check/window';
import { startHttp } from '../../helpers/backup-env';

/** What the stack sets. */
export const STACK_ENV = {
  CLUSTER_NAME: 'payments',
  PROMETHEUS_URL: 'http://prometheus.internal.example.com:9090',
  PROMETHEUS_EXTERNAL_URL: 'https://prometheus.example.com/',
  ALERTMANAGER_URLS: 'http://alertmanager-0.internal.example.com:9093,http://alertmanager-1.internal.example.com:9093/',
  PUSHGATEWAY_URL: 'http://pushgateway.internal.example.com:9091',
  ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:payments-monitoring-alerts',
  AWS_REGION: 'eu-west-1',
  CHECKS_FILE: 'checks.json',
  INTERVAL: '15m',
  ALERT_EXPIRY: '45m',
  RUNBOOK_URL: 'https://github.com/example-org/monitoring-stack/blob/main/docs/anomaly-check.md#runbook',
};

/** A check with the configuration's defaults, but a week of lookback (2,017 points) to keep the tests' data small. */
export function check(input: Partial<AnomalyCheckInput> = {}): AnomalyCheck {
  return AnomalyCheck.parse({ name: 'orders', query: 'sum by (service) (rate(orders_total[5m]))', lookback: '7d', ...input });
}

export const CONTEXT: AlertContext = { clusterName: 'payments', prometheusExternalUrl: 'https://prometheus.example.com', runbookUrl: 'https://runbooks.example.com/anomaly' };

/** 2025-03-03T10:15:00Z, a Monday, on the 15-minute grid. */
export const NOW = Date.UTC(2025, 2, 3, 10, 15);
export const WINDOW = { since: NOW - 900_000, until: NOW };

/** A series' evaluation; `scored` with a low score unless told otherwise. */
export function seriesEval(labels: Record<string, string>, fields: Partial<SeriesEvaluation> = {}): SeriesEvaluation {
  return { labels, state: 'scored', alarms: [], lastScore: 0.1, maxScore: 0.1, lastValue: 10, lastTimestamp: NOW, missingPoints: 0, ...fields };
}

/** An alarm at `minutesAgo` before NOW. */
export function alarm(minutesAgo: number, score: number, value = 100) {
  return { index: 2016 - minutesAgo / 5, timestamp: NOW - minutesAgo * 60_000, value, score };
}

/** A check's evaluation made of the given series. */
export function evaluation(series: SeriesEvaluation[], checkInput: Partial<AnomalyCheckInput> = {}): CheckEvaluation {
  const c = check(checkInput);
  return { check: c, range: queryRange(c, NOW), window: WINDOW, series, samples: 0, nonFiniteSamples: 0, offGridSamples: 0, queryMs: 1, scoreMs: 1 };
}

export type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A stand-in server whose behaviour each test sets; records method, URL and body. */
export async function standIn(initial: Handler = (_q, _b, r) => r.writeHead(200).end('[]')) {
  const seen: Array<{ method: string; url: string; body: string }> = [];
  let handler = initial;
  const server = await startHttp((request, response) => {
    let body = '';
    request.on('data', (c) => (body += c));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', body });
      handler(request, body, response);
    });
  });
  return { ...server, seen, set: (h: Handler) => (handler = h) };
}


/** A week of a normal series at 5 minutes up to NOW, as the query API returns it; `edit` changes values (by index from the end: -1 is NOW). */
export function weekSeries(labels: Record<string, string>, seed: number, edit: Record<number, (value: number) => number> = {}): RangeSeries {
  const range = queryRange(check(), NOW);
  const values = seriesValues({ labels, seed }, range.startMs, range.points);
  for (const [fromEnd, change] of Object.entries(edit)) values[values.length + Number(fromEnd)] = change(values[values.length + Number(fromEnd)]);
  return { metric: labels, samples: Array.from(values, (v, i) => [(range.startMs + i * range.stepMs) / 1000, v] as const) };
}

/** `deps.prometheus` answering each query from a table: series, or an error to throw. */
export function fakePrometheus(answers: Record<string, RangeSeries[] | Error>): (deadline: Deadline) => GridReader {
  return () =>
    readerFromQuerier({
      rangeQuery: async (query) => {
        const answer = answers[query];
        if (answer === undefined) throw new Error(`no answer for ${query}`);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
}
