/**
 * Service level agreements that are not a ratio of good to total events,
 * reported by the SLA report next to the SLOs (`slos`):
 *
 * - `uptime`: the share of time the targets were up, from the `up` series
 *   Prometheus writes for every scrape (1 when the scrape succeeded);
 * - `throughput`: the share of time a service sustained at least a floor
 *   rate of events, judged per 5-minute step of a counter.
 *
 * Both get event-count recording rules in the `slo-counts` group
 * (`charts/rules/slo.ts`); their error budgets, burn rates and burn-down
 * are computed the same way as the SLOs'.
 */
import { z } from 'zod';
import { MetricName, TeamName } from './alerting';
import { CounterSelector, LabelMatcher, Objective, SloName } from './slos';

const common = {
  name: SloName,
  /** What the agreement promises, for the report. */
  description: z.string().default(''),
  /** The service it is about. */
  service: z.string().min(1, { error: 'must name the service the SLA is about' }),
  /** Team that owns it. */
  team: TeamName.optional(),
  /** Share of the time that must be good, in percent, e.g. 99.95. */
  objective: Objective,
};

export const UptimeSla = z.strictObject({
  kind: z.literal('uptime'),
  ...common,
  /** The scrape-health series of the targets; matchers are required so the SLA never silently covers every job. */
  target: z.strictObject({
    metric: MetricName.default('up'),
    matchers: z.array(LabelMatcher).min(1, { error: 'needs at least one matcher (e.g. job="api"); an uptime SLA over every target is not one service' }),
  }),
});

export const ThroughputSla = z.strictObject({
  kind: z.literal('throughput'),
  ...common,
  /** The counter of the events (requests, messages processed). */
  counter: CounterSelector,
  /** Events per second the service must sustain, averaged over each 5-minute step. */
  floorPerSecond: z.number({ error: 'is not a number of events per second' }).positive({ error: 'must be above 0 events per second' }),
});

export const Sla = z.discriminatedUnion('kind', [UptimeSla, ThroughputSla]);
export type Sla = z.infer<typeof Sla>;
export type SlaInput = z.input<typeof Sla>;

/** Examples over the default profile's API: its targets are up 99.9% of the time and it serves at least 1 request/s 99% of the time. */
export const EXAMPLE_SLAS: SlaInput[] = [
  {
    kind: 'uptime',
    name: 'api-uptime',
    description: 'The API\'s scrape targets are up 99.9% of the time.',
    service: 'api',
    objective: 99.9,
    target: { metric: 'up', matchers: ['job="api"'] },
  },
  {
    kind: 'throughput',
    name: 'api-throughput',
    description: 'The API serves at least 1 request per second in 99% of the 5-minute steps.',
    service: 'api',
    objective: 99,
    counter: { metric: 'http_requests_total', matchers: ['service="api"'] },
    floorPerSecond: 1,
  },
];

/** Every SLA; an empty list reports SLOs only. */
export const SlasSection = z.array(Sla).default(() => EXAMPLE_SLAS.map((sla) => Sla.parse(sla)));
export type SlasSection = z.infer<typeof SlasSection>;
