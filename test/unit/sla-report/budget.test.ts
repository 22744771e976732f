/** Error-budget maths at the edges: exact verdicts, objective 0 and 100, no traffic. */
import { resolveConfig } from '../../../config';
import { ConfigError } from '../../../config/errors';
import { allowedBad, budgetFigures, budgetShareUsed, errorBudgetShare, meetsObjective, objectiveFraction, remainingOutageSeconds } from '../../../lambdas/sla-report/budget';

const f = objectiveFraction;

describe('objectives as exact fractions', () => {
  it('reads decimal percentages exactly', () => {
    expect(f('99.9')).toEqual({ num: 999n, den: 1000n });
    expect(f('99.95')).toEqual({ num: 9995n, den: 10000n });
    expect(f('95')).toEqual({ num: 95n, den: 100n });
    expect(errorBudgetShare(f('99.9'))).toBe(0.001);
    expect(errorBudgetShare(f('99.99'))).toBe(0.0001);
  });

  it('refuses 100% (no error budget) and what is not a percentage', () => {
    expect(() => f('100')).toThrow('objective 100% leaves no error budget: one bad event breaks it and every burn rate is infinite; use an objective below 100');
    expect(() => f('100.0')).toThrow('leaves no error budget');
    expect(() => f('99,9')).toThrow('objective "99,9" is not a decimal percentage such as "99.9"');
  });

  it('the configuration refuses 100% for SLOs and SLAs alike, before anything is deployed', () => {
    const messages = (input: unknown) => {
      try {
        resolveConfig(input, 'test');
        return [];
      } catch (error) {
        return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    const slo = { name: 'x', service: 'x', objective: 100, sli: { kind: 'availability', good: { metric: 'a' }, total: { metric: 'b' } } };
    expect(messages({ slos: [slo] })).toEqual([expect.stringContaining('slos.0.objective: 100 leaves no error budget')]);
    expect(messages({ slas: [{ kind: 'uptime', name: 'u', service: 'x', objective: 100, target: { matchers: ['job="x"'] } }] })).toEqual([expect.stringContaining('slas.0.objective: 100 leaves no error budget')]);
    expect(messages({ slas: [{ kind: 'throughput', name: 't', service: 'x', objective: 99, counter: { metric: 'c' }, floorPerSecond: 0 }] })).toEqual(['slas.0.floorPerSecond: must be above 0 events per second']);
    expect(messages({ slas: [{ kind: 'uptime', name: 'u', service: 'x', objective: 99, target: { matchers: [] } }] })).toEqual([expect.stringContaining('slas.0.target.matchers: needs at least one matcher')]);
    expect(messages({ slas: [{ kind: 'uptime', name: 'api-availability', service: 'x', objective: 99, target: { matchers: ['job="x"'] } }] })).toEqual([
      'slas.0.name: "api-availability" is already the name of an SLO or SLA; the SLA report keys its figures by name, so use another',
    ]);
  });
});

describe('verdicts', () => {
  it('decides exactly at the objective, where floating point would not (99.9 / 100 is 0.9990000000000001)', () => {
    expect(999 / 1000 >= 99.9 / 100).toBe(false);
    expect(meetsObjective(999, 1000, f('99.9'))).toBe(true);
    expect(meetsObjective(998_999, 1_000_000, f('99.9'))).toBe(false);
    expect(meetsObjective(9_999_999_999_000, 10_000_000_000_000, f('99.99'))).toBe(true);
    expect(budgetFigures(999, 1000, f('99.9'))).toMatchObject({ met: true, bad: 1, allowedBad: 1, consumedShare: 1, remainingShare: 0 });
  });

  it('computes shares from exact products: 1 bad in 10^12 against 99.9999%', () => {
    const figures = budgetFigures(999_999_999_999, 1_000_000_000_000, f('99.9999'));
    expect(figures.allowedBad).toBe(1_000_000);
    expect(figures.consumedShare).toBe(1e-6);
    expect(figures.sli).toBe(0.999999999999);
  });

  it('objective 0: every bad event is allowed', () => {
    expect(budgetFigures(0, 50, f('0'))).toMatchObject({ met: true, bad: 50, allowedBad: 50, consumedShare: 1, remainingShare: 0 });
    expect(errorBudgetShare(f('0'))).toBe(1);
  });

  it('no traffic is no data: no SLI, no verdict, no budget share, never 100%', () => {
    expect(budgetFigures(0, 0, f('99.9'))).toEqual({ good: 0, total: 0, bad: 0, sli: null, met: null, allowedBad: 0, consumedShare: null, remainingShare: null });
    expect(budgetShareUsed(0, 0, f('99.9'))).toBeNull();
    expect(remainingOutageSeconds({ allowedBad: 0, bad: 0 }, null)).toBeNull();
    expect(remainingOutageSeconds({ allowedBad: 10, bad: 0 }, 0)).toBeNull();
  });

  it('overspent: negative remaining share, no outage time left, and good above total counted as no bad units', () => {
    expect(budgetFigures(990, 1000, f('99.9'))).toMatchObject({ met: false, bad: 10, consumedShare: 10, remainingShare: -9 });
    expect(remainingOutageSeconds({ allowedBad: 1, bad: 10 }, 5)).toBe(0);
    expect(budgetFigures(1001, 1000, f('99.9'))).toMatchObject({ bad: 0, met: true });
  });

  it('turns the remaining budget into outage time at the current traffic', () => {
    // 1,000,000 requests, 99.9%: 1000 allowed, 400 used; at 10 requests/s, 600 bad requests are 60 s of full outage.
    expect(remainingOutageSeconds(budgetFigures(999_600, 1_000_000, f('99.9')), 10)).toBe(60);
  });

  it('handles estimated (fractional) counts with plain floating point', () => {
    expect(meetsObjective(999.5, 1000.25, f('99.9'))).toBe(true);
    expect(allowedBad(1000.5, f('99.9'))).toBeCloseTo(1.0005, 12);
    expect(budgetShareUsed(0.5, 1000.5, f('99.9'))).toBeCloseTo(0.5 / 1.0005, 12);
  });

  it('refuses negative counts', () => {
    expect(() => budgetFigures(-1, 10, f('99'))).toThrow('counts must be non-negative numbers, got good=-1 total=10');
  });
});
