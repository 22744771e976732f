/**
 * What the report measures: one definition per SLO and SLA of the
 * configuration, with the recorded series to read and the raw selectors
 * to recount steps from. The stack writes them to `sla-definitions.json`
 * in the function's bundle at synth time (the Lambda reads no
 * configuration of its own); the local runner builds them from the
 * configuration it loads. Both go through `parseDefinitions`.
 */
import { z } from 'zod';
import type { MonitoringConfig } from '../../config/schema';
import type { Sla } from '../../config/sections/slas';
import type { Slo } from '../../config/sections/slos';
import {
  SLA_THROUGHPUT_EVENTS_RECORD,
  SLA_THROUGHPUT_INEXACT_RECORD,
  SLA_UPTIME_SCRAPES_RECORD,
  SLA_UPTIME_UP_RECORD,
  SLO_GOOD_COUNT_RECORD,
  SLO_INEXACT_COUNT_RECORD,
  SLO_TOTAL_COUNT_RECORD,
  slaSourceSelector,
  sliSelectors,
} from '../../config/slo';

/** File name of the definitions in the function's bundle. */
export const DEFINITIONS_FILE = 'sla-definitions.json';
export const DEFINITIONS_VERSION = 1;

/**
 * How an objective's events are counted:
 * - `events`: good and total counter increments (availability, latency);
 * - `scrapes`: successful and all scrapes (uptime);
 * - `seconds`: time in steps at or above a floor rate, and all observed time (throughput).
 */
export type ObjectiveUnit = 'events' | 'scrapes' | 'seconds';

const Name = z.string().regex(/^[a-z][-a-z0-9]*$/);
const Selector = z.string().min(1);

const Common = {
  name: Name,
  service: z.string().min(1),
  team: z.string().nullable(),
  description: z.string(),
  /** Objective in percent as written in the configuration (kept as a decimal string for exact comparisons). */
  objective: z.string().regex(/^\d{1,2}(\.\d+)?$/),
  /** Label matcher that selects the objective's recorded series, e.g. `slo="api-availability"`. */
  recordMatcher: z.string().regex(/^(slo|sla)="[a-z][-a-z0-9]*"$/),
};

export const ObjectiveDefinition = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.enum(['availability', 'latency']),
    ...Common,
    records: z.strictObject({ good: z.literal(SLO_GOOD_COUNT_RECORD), total: z.literal(SLO_TOTAL_COUNT_RECORD), inexact: z.literal(SLO_INEXACT_COUNT_RECORD) }),
    /** Raw counters of good and total events (a latency SLO's threshold bucket and `_count`). */
    raw: z.strictObject({ good: Selector, total: Selector }),
    /** An availability SLO's good series may not exist yet (no success so far): zero good events, not no data. */
    goodMayBeAbsent: z.boolean(),
  }),
  z.strictObject({
    kind: z.literal('uptime'),
    ...Common,
    records: z.strictObject({ good: z.literal(SLA_UPTIME_UP_RECORD), total: z.literal(SLA_UPTIME_SCRAPES_RECORD) }),
    raw: z.strictObject({ target: Selector }),
  }),
  z.strictObject({
    kind: z.literal('throughput'),
    ...Common,
    records: z.strictObject({ total: z.literal(SLA_THROUGHPUT_EVENTS_RECORD), inexact: z.literal(SLA_THROUGHPUT_INEXACT_RECORD) }),
    raw: z.strictObject({ counter: Selector }),
    floorPerSecond: z.number().positive(),
  }),
]);
export type ObjectiveDefinition = z.infer<typeof ObjectiveDefinition>;
export type ObjectiveKind = ObjectiveDefinition['kind'];

export const ReportDefinitions = z.strictObject({
  version: z.literal(DEFINITIONS_VERSION),
  cluster: z.string().min(1),
  objectives: z.array(ObjectiveDefinition),
});
export type ReportDefinitions = z.infer<typeof ReportDefinitions>;

/** The unit an objective counts in. */
export function unitOf(definition: Pick<ObjectiveDefinition, 'kind'>): ObjectiveUnit {
  return definition.kind === 'uptime' ? 'scrapes' : definition.kind === 'throughput' ? 'seconds' : 'events';
}

function sloDefinition(slo: Slo): ObjectiveDefinition {
  return {
    kind: slo.sli.kind,
    name: slo.name,
    service: slo.service,
    team: slo.team ?? null,
    description: slo.description,
    objective: String(slo.objective),
    recordMatcher: `slo="${slo.name}"`,
    records: { good: SLO_GOOD_COUNT_RECORD, total: SLO_TOTAL_COUNT_RECORD, inexact: SLO_INEXACT_COUNT_RECORD },
    raw: sliSelectors(slo),
    goodMayBeAbsent: slo.sli.kind === 'availability',
  };
}

function slaDefinition(sla: Sla): ObjectiveDefinition {
  const common = { name: sla.name, service: sla.service, team: sla.team ?? null, description: sla.description, objective: String(sla.objective), recordMatcher: `sla="${sla.name}"` };
  if (sla.kind === 'uptime') return { kind: 'uptime', ...common, records: { good: SLA_UPTIME_UP_RECORD, total: SLA_UPTIME_SCRAPES_RECORD }, raw: { target: slaSourceSelector(sla) } };
  return { kind: 'throughput', ...common, records: { total: SLA_THROUGHPUT_EVENTS_RECORD, inexact: SLA_THROUGHPUT_INEXACT_RECORD }, raw: { counter: slaSourceSelector(sla) }, floorPerSecond: sla.floorPerSecond };
}

/** The definitions of every SLO and SLA of a configuration. */
export function definitionsFromConfig(config: Pick<MonitoringConfig, 'slos' | 'slas' | 'cluster'>): ReportDefinitions {
  return parseDefinitions({ version: DEFINITIONS_VERSION, cluster: config.cluster.name, objectives: [...config.slos.map(sloDefinition), ...config.slas.map(slaDefinition)] }, 'the configuration');
}

/** Check definitions read from a file; the error names the file and every problem. */
export function parseDefinitions(value: unknown, source: string): ReportDefinitions {
  const result = ReportDefinitions.safeParse(value);
  if (!result.success) {
    throw new Error(`SLA definitions from ${source} are not valid (rebuild the function from the configuration): ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const names = result.data.objectives.map((o) => o.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`SLA definitions from ${source} name "${duplicate}" twice; every SLO and SLA needs its own name`);
  return result.data;
}
