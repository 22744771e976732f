/**
 * Service alerts: targets and services down, HTTP error ratio and p95
 * latency (from the conventional `http_requests_total` and
 * `http_request_duration_seconds` metrics, names in `alerting.http`), and
 * the workloads behind them (crash loops, unavailable replicas, HPA at its
 * maximum). Alerts carry `service` (the scrape label, or the workload's
 * `app.kubernetes.io/name`) so they group and route with the service.
 */
import type { MonitoringConfig } from '../../config';
import { CategoryRules, percent } from './catalogue';
import { STACK_SERVICES_REGEX } from './stack-health';
import { ABOVE, BELOW, constant, growing, series, testPlan } from './test-series';
import type { AlertTestCase, RuleFile } from './types';

const SERVICE = { namespace: 'shop', service: 'checkout' };

export function serviceRules(config: MonitoringConfig): RuleFile {
  const rules = new CategoryRules(config, 'service');
  const { requestsTotal, durationHistogram, statusCodeLabel: code } = config.alerting.http;
  const window = config.alerting.rateWindow;
  const notStack = `service!~"${STACK_SERVICES_REGEX}"`;

  const errorRatio = (threshold: number) =>
    `sum by (namespace, service) (rate(${requestsTotal}{${code}=~"5.."}[${window}])) / sum by (namespace, service) (rate(${requestsTotal}[${window}])) > ${threshold}`;
  const errorRatioTests = (threshold: number, forDuration: string): AlertTestCase[] => {
    const plan = testPlan(forDuration);
    const requests = (share: number) => [
      { series: series(requestsTotal, { ...SERVICE, [code]: '200' }), values: growing(10000 * (1 - share), plan.steps) },
      { series: series(requestsTotal, { ...SERVICE, [code]: '503' }), values: growing(10000 * share, plan.steps) },
      // Other services' traffic must not dilute the ratio.
      { series: series(requestsTotal, { namespace: 'shop', service: 'search', [code]: '200' }), values: growing(50000, plan.steps) },
    ];
    return [
      { kind: 'fires', description: `fires at ${percent(threshold * ABOVE)} server errors`, series: requests(threshold * ABOVE), conditionFrom: plan.conditionFrom, labels: SERVICE, value: threshold * ABOVE },
      { kind: 'quiet', description: `quiet at ${percent(threshold * BELOW)} server errors`, series: requests(threshold * BELOW), at: plan.quietAt },
    ];
  };

  const latency = (threshold: number) =>
    `histogram_quantile(0.95, sum by (namespace, service, le) (rate(${durationHistogram}_bucket[${window}]))) > ${threshold}`;
  /**
   * Buckets at half, one and two and a half times the threshold. With 94 of
   * 100 requests at or under the threshold the 95th percentile interpolates
   * to 1.25x the threshold; with 96 of 100 it stays at 0.995x.
   */
  const latencyTests = (threshold: number, forDuration: string): AlertTestCase[] => {
    const plan = testPlan(forDuration);
    const buckets = (underThreshold: number) =>
      [
        [threshold / 2, 0],
        [threshold, underThreshold],
        [threshold * 2.5, 100],
        ['+Inf', 100],
      ].map(([le, perStep]) => ({ series: series(`${durationHistogram}_bucket`, { ...SERVICE, le: String(le) }), values: growing(Number(perStep), plan.steps) }));
    return [
      { kind: 'fires', description: `fires when p95 is 1.25x the threshold (${threshold * 1.25}s)`, series: buckets(94), conditionFrom: plan.conditionFrom, labels: SERVICE, value: threshold * 1.25 },
      { kind: 'quiet', description: 'quiet when p95 is just under the threshold', series: buckets(96), at: plan.quietAt },
    ];
  };

  const target = { job: 'checkout', instance: '10.1.2.3:8080', namespace: 'shop', pod: 'checkout-6d9f7c-x2x7q', service: 'checkout' };
  const ksm = { job: 'kube-state-metrics', service: 'kube-state-metrics', instance: '10.1.0.9:8080' };

  return {
    fileName: 'service.rules.yml',
    groups: [
      {
        name: 'service',
        rules: [
          ...rules.alert('TargetDown', (s) => {
            const plan = testPlan(s.for, 0);
            return {
              severity: 'warning',
              expr: `up{${notStack}} == 0`,
              summary: '{{ $labels.service }} target {{ $labels.instance }} is down',
              description: `Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for ${s.for}. The other targets of {{ $labels.service }} may still serve; ServiceDown fires when all of them are down.`,
              tests: [
                { kind: 'fires', description: 'fires for a target that stops answering', series: [{ series: series('up', target), values: constant(0, plan.steps) }], conditionFrom: plan.conditionFrom, labels: target, value: 0 },
                { kind: 'quiet', description: 'quiet while the target answers', series: [{ series: series('up', target), values: constant(1, plan.steps) }], at: plan.quietAt },
                { kind: 'quiet', description: 'leaves stack components to their own alerts', series: [{ series: series('up', { ...target, job: 'loki', service: 'loki' }), values: constant(0, plan.steps) }], at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('ServiceDown', (s) => {
            const plan = testPlan(s.for, 0);
            const targets = (second: number) => [
              { series: series('up', target), values: constant(0, plan.steps) },
              { series: series('up', { ...target, instance: '10.1.2.4:8080', pod: 'checkout-6d9f7c-p8k2d' }), values: constant(second, plan.steps) },
            ];
            return {
              severity: 'critical',
              expr: `max by (namespace, service) (up{${notStack}}) == 0`,
              summary: 'Every target of {{ $labels.service }} in {{ $labels.namespace }} is down',
              description: `No target of {{ $labels.service }} has answered a scrape for ${s.for}: the service is down or unreachable. Its error-ratio, latency and per-target alerts are inhibited while this fires.`,
              tests: [
                { kind: 'fires', description: 'fires when both targets are down', series: targets(0), conditionFrom: plan.conditionFrom, labels: SERVICE, value: 0 },
                { kind: 'quiet', description: 'quiet while one target still answers', series: targets(1), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('ServiceErrorRatioWarning', (s) => ({
            severity: 'warning',
            expr: errorRatio(s.threshold),
            summary: '{{ $labels.service }} answers {{ $value | humanizePercentage }} of requests with a server error',
            description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} in {{ $labels.namespace }} over the last ${window} failed with a 5xx status (warning above ${percent(s.threshold)}).`,
            tests: errorRatioTests(s.threshold, s.for),
          })),
          ...rules.alert('ServiceErrorRatioCritical', (s) => ({
            severity: 'critical',
            expr: errorRatio(s.threshold),
            // The window still holds the incident's errors for one window after recovery: keep firing (and inhibiting
            // the warning) until it has passed, so the decaying ratio does not notify the warning on the way down.
            keepFiringFor: window,
            summary: '{{ $labels.service }} answers {{ $value | humanizePercentage }} of requests with a server error',
            description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} in {{ $labels.namespace }} over the last ${window} failed with a 5xx status (critical above ${percent(s.threshold)}). Users see errors now.`,
            tests: errorRatioTests(s.threshold, s.for),
          })),
          ...rules.alert('ServiceLatencyP95Warning', (s) => ({
            severity: 'warning',
            expr: latency(s.threshold),
            summary: '{{ $labels.service }} p95 latency is {{ $value | humanizeDuration }}',
            description: `The 95th percentile of request durations of {{ $labels.service }} in {{ $labels.namespace }} over the last ${window} is {{ $value | humanizeDuration }} (warning above ${s.threshold}s).`,
            tests: latencyTests(s.threshold, s.for),
          })),
          ...rules.alert('ServiceLatencyP95Critical', (s) => ({
            severity: 'critical',
            expr: latency(s.threshold),
            keepFiringFor: window,
            summary: '{{ $labels.service }} p95 latency is {{ $value | humanizeDuration }}',
            description: `The 95th percentile of request durations of {{ $labels.service }} in {{ $labels.namespace }} over the last ${window} is {{ $value | humanizeDuration }} (critical above ${s.threshold}s). One request in twenty takes longer than that.`,
            tests: latencyTests(s.threshold, s.for),
          })),
          ...rules.alert('PodCrashLooping', (s) => {
            const plan = testPlan(s.for, 0);
            const pod = { namespace: 'shop', pod: 'checkout-6d9f7c-x2x7q' };
            const inputs = (waiting: number) => [
              { series: series('kube_pod_container_status_waiting_reason', { ...ksm, ...pod, container: 'app', reason: 'CrashLoopBackOff' }), values: constant(waiting, plan.steps) },
              { series: series('kube_pod_labels', { ...ksm, ...pod, label_app_kubernetes_io_name: 'checkout' }), values: constant(1, plan.steps) },
            ];
            return {
              severity: 'high',
              // The service label comes from the pod's app.kubernetes.io/name (kube-state-metrics exposes it), not from the exporter's own target.
              expr:
                '(max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m])) >= 1)' +
                ' * on (namespace, pod) group_left (service) max by (namespace, pod, service) (label_replace(kube_pod_labels, "service", "$1", "label_app_kubernetes_io_name", "(.*)"))',
              summary: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash looping',
              description: `Container {{ $labels.container }} of pod {{ $labels.pod }} has been in CrashLoopBackOff for ${s.for}: it starts, exits, and Kubernetes backs off before restarting it.`,
              tests: [
                { kind: 'fires', description: 'fires for a container in CrashLoopBackOff, labelled with its service', series: inputs(1), conditionFrom: plan.conditionFrom, labels: { ...pod, container: 'app', service: 'checkout' }, value: 1 },
                { kind: 'quiet', description: 'quiet for a running container', series: inputs(0), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('DeploymentReplicasUnavailable', (s) => {
            const plan = testPlan(s.for, 0);
            const deployment = { namespace: 'shop', deployment: 'checkout' };
            return {
              severity: 'high',
              expr: 'label_replace(max by (namespace, deployment) (kube_deployment_status_replicas_unavailable) > 0, "service", "$1", "deployment", "(.*)")',
              summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has {{ printf "%.0f" $value }} unavailable replicas',
              description: `{{ printf "%.0f" $value }} replicas of deployment {{ $labels.deployment }} have not been available for ${s.for}; the service runs with less capacity or redundancy than intended.`,
              tests: [
                { kind: 'fires', description: 'fires with one unavailable replica', series: [{ series: series('kube_deployment_status_replicas_unavailable', { ...ksm, ...deployment }), values: constant(1, plan.steps) }], conditionFrom: plan.conditionFrom, labels: { ...deployment, service: 'checkout' }, value: 1 },
                { kind: 'quiet', description: 'quiet with every replica available', series: [{ series: series('kube_deployment_status_replicas_unavailable', { ...ksm, ...deployment }), values: constant(0, plan.steps) }], at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('StatefulSetReplicasUnavailable', (s) => {
            const plan = testPlan(s.for, 0);
            const statefulset = { namespace: 'shop', statefulset: 'orders-db' };
            const inputs = (ready: number) => [
              { series: series('kube_statefulset_replicas', { ...ksm, ...statefulset }), values: constant(3, plan.steps) },
              { series: series('kube_statefulset_status_replicas_ready', { ...ksm, ...statefulset }), values: constant(ready, plan.steps) },
            ];
            return {
              severity: 'high',
              expr: 'label_replace(max by (namespace, statefulset) (kube_statefulset_replicas) - max by (namespace, statefulset) (kube_statefulset_status_replicas_ready) > 0, "service", "$1", "statefulset", "(.*)")',
              summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} is missing {{ printf "%.0f" $value }} ready replicas',
              description: `{{ printf "%.0f" $value }} replicas of StatefulSet {{ $labels.statefulset }} have not been ready for ${s.for}. StatefulSets replace pods one at a time, so a stuck pod blocks the rest.`,
              tests: [
                { kind: 'fires', description: 'fires with 2 of 3 replicas ready', series: inputs(2), conditionFrom: plan.conditionFrom, labels: { ...statefulset, service: 'orders-db' }, value: 1 },
                { kind: 'quiet', description: 'quiet with 3 of 3 ready', series: inputs(3), at: plan.quietAt },
              ],
            };
          }),
          ...rules.alert('HpaAtMaxReplicas', (s) => {
            const plan = testPlan(s.for, 0);
            const hpa = { namespace: 'shop', horizontalpodautoscaler: 'checkout' };
            const inputs = (current: number) => [
              { series: series('kube_horizontalpodautoscaler_status_current_replicas', { ...ksm, ...hpa }), values: constant(current, plan.steps) },
              { series: series('kube_horizontalpodautoscaler_spec_max_replicas', { ...ksm, ...hpa }), values: constant(10, plan.steps) },
              { series: series('kube_horizontalpodautoscaler_spec_min_replicas', { ...ksm, ...hpa }), values: constant(2, plan.steps) },
            ];
            return {
              severity: 'warning',
              expr:
                'label_replace((max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas) >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas))' +
                ' and (max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas) > max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_min_replicas)),' +
                ' "service", "$1", "horizontalpodautoscaler", "(.*)")',
              summary: 'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} runs at its maximum of {{ printf "%.0f" $value }} replicas',
              description: `The HorizontalPodAutoscaler {{ $labels.horizontalpodautoscaler }} has been at its maxReplicas for ${s.for}: it cannot add capacity if load grows further.`,
              tests: [
                { kind: 'fires', description: 'fires at 10 of max 10 replicas', series: inputs(10), conditionFrom: plan.conditionFrom, labels: { ...hpa, service: 'checkout' }, value: 10 },
                { kind: 'quiet', description: 'quiet at 9 of max 10', series: inputs(9), at: plan.quietAt },
              ],
            };
          }),
        ],
      },
    ],
  };
}
