/**
 * The SLA report Lambda (`aws.slaReport`): when it runs, which periods
 * each schedule reports, the time zone of the calendar, and how much data
 * a period needs before it is judged. The SLOs and SLAs it reports come
 * from `slos` and `slas`, bundled with the function at synth time.
 */
import { z } from 'zod';
import { shown } from './common';

/** Periods a report can cover (see `lambdas/sla-report/periods.ts`). */
export const SLA_PERIODS = ['last-24h', 'last-7d', 'month-to-date', 'previous-month'] as const;
export type SlaPeriod = (typeof SLA_PERIODS)[number];

/** The three schedules of the function; the schedule's input names its periods. */
export const SLA_SCHEDULES = ['daily', 'weekly', 'monthly'] as const;
export type SlaSchedule = (typeof SLA_SCHEDULES)[number];

const CronExpression = z.string().regex(/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/, {
  error: (i) => `${shown(i.input)} is not an EventBridge Scheduler cron expression such as "cron(0 0 * * ? *)" (minutes hours day-of-month month day-of-week year)`,
});

const TimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: (i) => `${shown(i.input)} is not an IANA time zone; use e.g. "UTC", "Europe/Berlin" or "America/New_York"` },
);

const schedule = (expression: string, periods: SlaPeriod[]) =>
  z
    .strictObject({
      /** Cron expression in `timeZone`; a run's `asOf` is its scheduled time. */
      expression: CronExpression.default(expression),
      /** Periods the run reports, each ending at the scheduled time. */
      periods: z.array(z.enum(SLA_PERIODS, { error: (i) => `${shown(i.input)} is not a period; use ${SLA_PERIODS.join(', ')}` })).min(1, { error: 'needs at least one period' }).default(periods),
      enabled: z.boolean().default(true),
    })
    .prefault({});

export const SlaReportSection = z.strictObject({
  /** Deploy the function (it is left out anyway when there is no SLO and no SLA). */
  enabled: z.boolean().default(true),
  /** Time zone of the calendar (months) and of the schedules. */
  timeZone: TimeZone.default('UTC'),
  /**
   * At midnight by default: the daily run reports the last 24 hours and the
   * month to date, the Monday run the last 7 days, the run on the 1st the
   * previous month.
   */
  schedules: z
    .strictObject({
      daily: schedule('cron(0 0 * * ? *)', ['last-24h', 'month-to-date']),
      weekly: schedule('cron(0 0 ? * MON *)', ['last-7d']),
      monthly: schedule('cron(0 0 1 * ? *)', ['previous-month']),
    })
    .prefault({}),
  /** Key prefix of the reports in the backup bucket (no leading or trailing "/"). */
  prefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: (i) => `${shown(i.input)} is not a prefix such as "sla-reports"` }).default('sla-reports'),
  /** A period with data for less than this share of its time is reported as "no data", never as met. */
  minCoverage: z.number().min(0).max(1).default(0.9),
  memoryMiB: z.number().int().min(128).max(10240).default(512),
  timeoutSeconds: z.number().int().min(30).max(900).default(300),
});
export type SlaReportSection = z.infer<typeof SlaReportSection>;
