/**
 * Error-budget maths, from good and total counts (never from averaged
 * ratios). Objectives are decimal percentages; they are kept as exact
 * fractions so "met or not" is decided without rounding whenever the
 * counts are whole numbers (`good * 1000 >= 999 * total` for 99.9%), and
 * every ratio below is one correctly rounded division of exact products.
 */

/** A fraction of whole numbers. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/** An objective in percent ("99.9") as the exact fraction of good events it requires (999/1000). */
export function objectiveFraction(percent: string): Fraction {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(percent.trim());
  if (!match) throw new RangeError(`objective "${percent}" is not a decimal percentage such as "99.9"`);
  const decimals = match[2] ?? '';
  const num = BigInt(match[1] + decimals);
  const den = 100n * 10n ** BigInt(decimals.length);
  if (num >= den) throw new RangeError(`objective ${percent}% leaves no error budget: one bad event breaks it and every burn rate is infinite; use an objective below 100`);
  return { num, den };
}

/** The error budget as a share of events: 1 - objective (0.001 for 99.9%). */
export function errorBudgetShare(objective: Fraction): number {
  return Number(objective.den - objective.num) / Number(objective.den);
}

/** `a * b` for a whole number held in a double (exact as a bigint). */
function big(value: number): bigint {
  return BigInt(value);
}

const isWhole = (value: number) => Number.isSafeInteger(value) && value >= 0;

/** Whether `good / total` meets the objective; exact when both counts are whole numbers. */
export function meetsObjective(good: number, total: number, objective: Fraction): boolean {
  if (isWhole(good) && isWhole(total)) return big(good) * objective.den >= objective.num * big(total);
  return good * Number(objective.den) >= Number(objective.num) * total;
}

/** `bad / (total * budget)`: the share of the budget `bad` events use, which is also the burn rate over that window. */
export function budgetShareUsed(bad: number, total: number, objective: Fraction): number | null {
  if (!(total > 0)) return null;
  const spare = objective.den - objective.num;
  if (isWhole(bad) && isWhole(total)) {
    // Products below 2^53 are exact in doubles (the common case, and a hot path of the burn-rate windows); larger ones go through bigints.
    const a = bad * Number(objective.den);
    const b = total * Number(spare);
    if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a / b;
    return Number(big(bad) * objective.den) / Number(big(total) * spare);
  }
  return (bad * Number(objective.den)) / (total * Number(spare));
}

/** Bad events the objective allows among `total`: `total * (1 - objective)`. */
export function allowedBad(total: number, objective: Fraction): number {
  const spare = objective.den - objective.num;
  if (isWhole(total)) return Number(big(total) * spare) / Number(objective.den);
  return (total * Number(spare)) / Number(objective.den);
}

/** The budget figures of a period. */
export interface BudgetFigures {
  readonly good: number;
  readonly total: number;
  readonly bad: number;
  /** good / total; null without traffic. */
  readonly sli: number | null;
  /** null without traffic: no traffic is no data, not 100%. */
  readonly met: boolean | null;
  readonly allowedBad: number;
  /** Share of the budget spent (above 1: overspent); also the period's mean burn rate. null without traffic. */
  readonly consumedShare: number | null;
  /** 1 - consumedShare; negative when overspent. */
  readonly remainingShare: number | null;
}

/** Budget figures from good and total counts. */
export function budgetFigures(good: number, total: number, objective: Fraction): BudgetFigures {
  if (!(good >= 0) || !(total >= 0)) throw new RangeError(`counts must be non-negative numbers, got good=${good} total=${total}`);
  const bad = Math.max(0, total - good);
  const consumed = budgetShareUsed(bad, total, objective);
  return {
    good,
    total,
    bad,
    sli: total > 0 ? good / total : null,
    met: total > 0 ? meetsObjective(good, total, objective) : null,
    allowedBad: allowedBad(total, objective),
    consumedShare: consumed,
    remainingShare: consumed === null ? null : 1 - consumed,
  };
}

/**
 * The budget left, as time: how long a complete outage (every unit bad)
 * the remaining budget absorbs at the current traffic (`unitsPerSecond`,
 * e.g. requests per second over the last day). 0 when overspent; null
 * without traffic.
 */
export function remainingOutageSeconds(figures: Pick<BudgetFigures, 'allowedBad' | 'bad'>, unitsPerSecond: number | null): number | null {
  if (unitsPerSecond === null || !(unitsPerSecond > 0)) return null;
  return Math.max(0, figures.allowedBad - figures.bad) / unitsPerSecond;
}
