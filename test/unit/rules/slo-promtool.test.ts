/**
 * `promtool test rules` on the SLO rules: each burn-rate condition fires
 * when errors burn the budget at 1.05x its rate after a clean history as
 * long as its window (and not before the long window has burnt), stays
 * quiet at 0.95x, and the 5-minute count records sum to exact totals.
 */
import { ruleFilesFor } from '../../../charts/rules';
import { loadProfile } from '../../../config';
import { configWith } from '../../helpers/synth';
import { runPromtool, testFilesOf } from './harness';

jest.setTimeout(180_000);

describe.each([
  ['the example SLOs of the default profile', loadProfile('default')],
  [
    'SLOs with other objectives, a whole-second threshold and separate good and total counters',
    configWith({
      slos: [
        {
          name: 'grpc-availability',
          service: 'orders',
          team: 'payments',
          objective: 99.5,
          sli: { kind: 'availability', good: { metric: 'grpc_server_handled_total', matchers: ['grpc_service="orders.Orders"', 'grpc_code="OK"'] }, total: { metric: 'grpc_server_started_total', matchers: ['grpc_service="orders.Orders"'] } },
        },
        { name: 'checkout-latency', service: 'checkout', objective: 95, sli: { kind: 'latency', histogram: 'http_request_duration_seconds', matchers: ['service="checkout"'], threshold: '1' } },
      ],
    }),
  ],
])('%s', (_name, config) => {
  const files = ruleFilesFor(config).filter((f) => f.fileName === 'slo.rules.yml');
  it.each(testFilesOf(files).map((t) => [t.fileName, t] as const))('%s passes', (_file, test) => {
    const result = runPromtool(files, test);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});
