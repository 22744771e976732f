/**
 * The report as one self-contained HTML page for people: per period a
 * table of every objective (achieved against the objective, budget left,
 * burn rate, coverage, verdict) and an error-budget burn-down chart per
 * objective in inline SVG, then the stretches of fast burn and the
 * current burn rates. No script, no external stylesheet, font or image:
 * the page renders the same from an email attachment, S3 or a laptop.
 */
import type { ObjectiveReport, PeriodResult, ReportPeriodInfo, SlaReport } from './model';
import { localDateTime } from './periods';

/** Text safe inside HTML elements and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const h = escapeHtml;

/** `99.9512%`: enough digits to tell 99.95% from 99.949%. */
export function formatPercent(share: number | null, digits = 4): string {
  if (share === null) return '–';
  return `${Number((share * 100).toFixed(digits))}%`;
}

/** `1,234,567` (whole numbers) or `12.5`. */
export function formatCount(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** `2h 5m`, `3d 4h`, `45s`. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60]];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${Number(rate.toFixed(2))}×`;
}

const STATUS_TEXT: Record<PeriodResult['status'], string> = { met: 'Met', missed: 'Missed', 'no-data': 'No data' };

const STYLE = `
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px;color:#1d2430;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5dae1;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 4px}p.meta{color:#5a6472;margin:0 0 12px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{border:1px solid #d5dae1;padding:4px 8px;text-align:right;vertical-align:top}
th{background:#f2f4f7}td.name,th.name,td.text{text-align:left}
.met{color:#1a7f37;font-weight:600}.missed{color:#cf222e;font-weight:600}.no-data{color:#7d4e00;font-weight:600}.failed{color:#cf222e}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;border:1px solid #d5dae1;padding:6px}figcaption{font-size:12px;color:#5a6472}
ul.notes{font-size:12px;color:#5a6472;margin:4px 0}`;

/** The whole page. */
export function renderHtml(report: SlaReport): string {
  const zone = report.timeZone;
  const asOf = Date.parse(report.asOf);
  const failed = report.objectives.filter((o) => o.state === 'failed');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>SLA report ${h(report.cluster)} as of ${h(localDateTime(asOf, zone))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>SLA report: ${h(report.cluster)}</h1>`,
    `<p class="meta">As of ${h(localDateTime(asOf, zone))} (${h(zone)})${report.schedule ? `, ${h(report.schedule)} run` : ''}; generated ${h(report.generatedAt)} from ${h(report.source.prometheusUrl)}. Periods with data for less than ${formatPercent(report.source.minCoverage, 2)} of their time have no verdict.</p>`,
    failed.length > 0
      ? `<section id="failures"><h2>Objectives that could not be computed</h2><ul>${failed.map((o) => `<li class="failed"><strong>${h(o.name)}</strong>: ${h(o.error ?? '')}</li>`).join('')}</ul></section>`
      : '',
    ...report.periods.map((period) => periodSection(report, period)),
    burnRateSection(report),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function periodSection(report: SlaReport, period: ReportPeriodInfo): string {
  const zone = report.timeZone;
  const rows = report.objectives.map((objective) => ({ objective, result: objective.periods.find((p) => p.period === period.id) }));
  const charts = rows.filter((r) => r.result && r.result.burnDown.length > 1).map((r) => burnDownChart(r.objective, r.result!, period));
  const episodes = rows.flatMap((r) => (r.result?.episodes ?? []).map((e) => ({ objective: r.objective, episode: e })));
  const notes = rows.flatMap((r) => (r.result?.notes ?? []).map((n) => `${r.objective.name}: ${n}`));
  return [
    `<section class="period" id="period-${h(period.id)}">`,
    `<h2>${h(period.label)} <small>${h(localDateTime(Date.parse(period.start), zone))} – ${h(localDateTime(Date.parse(period.end), zone))}${period.complete ? '' : ' (so far)'}</small></h2>`,
    `<table class="objectives" data-period="${h(period.id)}">`,
    '<thead><tr><th class="name">Objective</th><th class="name">Service</th><th>Objective</th><th>Achieved</th><th>Good / total</th><th>Budget left</th><th>Budget left as outage</th><th>Burn rate</th><th>Coverage</th><th>Verdict</th></tr></thead>',
    '<tbody>',
    ...rows.map(({ objective, result }) => tableRow(objective, result)),
    '</tbody>',
    '</table>',
    charts.length > 0 ? `<h3>Error budget burn-down</h3><div class="charts">${charts.join('')}</div>` : '',
    episodes.length > 0
      ? `<h3>Fast burn</h3><table class="episodes"><thead><tr><th class="name">Objective</th><th class="name">Alert</th><th class="name">From</th><th class="name">To</th><th>Budget burnt</th><th>Peak burn rate</th></tr></thead><tbody>${episodes
          .map(
            ({ objective, episode }) =>
              `<tr><td class="name">${h(objective.name)}</td><td class="text">${episode.severity}</td><td class="text">${h(localDateTime(Date.parse(episode.start), zone))}</td><td class="text">${h(localDateTime(Date.parse(episode.end), zone))}</td><td>${formatPercent(episode.budgetBurntShare, 2)}</td><td>${formatRate(episode.peakBurnRate)}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '',
    notes.length > 0 ? `<ul class="notes">${notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '',
    '</section>',
  ].join('\n');
}

function tableRow(objective: ObjectiveReport, result: PeriodResult | undefined): string {
  const name = `<td class="name" title="${h(objective.description)}">${h(objective.name)}</td><td class="name">${h(objective.service)}</td>`;
  const target = `${objective.objective}%${objective.floorPerSecond !== null ? ` at ≥ ${objective.floorPerSecond}/s` : ''}`;
  if (objective.state === 'failed' || !result) {
    return `<tr class="failed">${name}<td>${h(target)}</td><td colspan="6" class="text">failed: ${h(objective.error ?? 'not computed')}</td><td class="failed">Failed</td></tr>`;
  }
  const unit = objective.unit === 'seconds' ? 's' : '';
  return [
    `<tr class="${result.status}">`,
    name,
    `<td>${h(target)}</td>`,
    `<td>${formatPercent(result.sli)}</td>`,
    `<td>${formatCount(result.good)}${unit} / ${formatCount(result.total)}${unit}${result.exact ? '' : ' <abbr title="some counts are estimates: raw samples were no longer available">≈</abbr>'}</td>`,
    `<td>${formatPercent(result.budget.remainingShare, 2)}</td>`,
    `<td>${formatSeconds(result.budget.remainingOutageSeconds)}</td>`,
    `<td>${formatRate(result.budget.consumedShare)}</td>`,
    `<td>${formatPercent(result.coverage, 2)}</td>`,
    `<td class="${result.status}"${result.reason ? ` title="${h(result.reason)}"` : ''}>${STATUS_TEXT[result.status]}</td>`,
    '</tr>',
  ].join('');
}

const CHART = { width: 360, height: 180, left: 44, right: 10, top: 10, bottom: 28 };

/**
 * The remaining share of the budget over the period: the line from 100%
 * at the start, the straight line to 0% at the end a steady burn of
 * exactly the budget would follow, and the zero line.
 */
export function burnDownChart(objective: ObjectiveReport, result: PeriodResult, period: ReportPeriodInfo): string {
  const start = Date.parse(period.start) / 1000;
  const end = Math.max(start + 1, Date.parse(period.end) / 1000);
  const values = result.burnDown.map(([, v]) => v);
  const low = Math.min(0, ...values);
  const high = Math.max(1, ...values);
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const x = (t: number) => CHART.left + ((t - start) / (end - start)) * plotW;
  const y = (v: number) => CHART.top + ((high - v) / (high - low)) * plotH;
  const fmt = (n: number) => n.toFixed(1);
  const points = result.burnDown.map(([t, v]) => `${fmt(x(t))},${fmt(y(v))}`).join(' ');
  const last = values[values.length - 1];
  const color = last < 0 ? '#cf222e' : last < 0.25 ? '#bf8700' : '#1a7f37';
  // Axis labels at 100% and 0% first, then the extremes and 50%, each at least 12 px from the others.
  const ticks: number[] = [];
  for (const v of [1, 0, low, high, 0.5]) if (v >= low && v <= high && ticks.every((t) => Math.abs(y(t) - y(v)) >= 12)) ticks.push(v);
  const title = `${objective.name}: ${formatPercent(last, 2)} of the error budget left`;
  return [
    `<figure><svg xmlns="http://www.w3.org/2000/svg" class="burn-down" data-objective="${h(objective.name)}" width="${CHART.width}" height="${CHART.height}" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="${h(title)}">`,
    `<title>${h(title)}</title>`,
    `<rect x="${CHART.left}" y="${CHART.top}" width="${plotW}" height="${plotH}" fill="#fafbfc" stroke="#d5dae1"/>`,
    ...ticks.map((v) => `<line x1="${CHART.left}" x2="${CHART.left + plotW}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="${v === 0 ? '#57606a' : '#e3e6ea'}"/><text x="${CHART.left - 4}" y="${fmt(y(v) + 4)}" font-size="10" text-anchor="end" fill="#57606a">${Math.round(v * 100)}%</text>`),
    `<line class="ideal" x1="${fmt(x(start))}" y1="${fmt(y(1))}" x2="${fmt(x(end))}" y2="${fmt(y(0))}" stroke="#8c959f" stroke-dasharray="4 3"/>`,
    `<polyline class="remaining" fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`,
    `<text x="${CHART.left}" y="${CHART.height - 10}" font-size="10" fill="#57606a">${h(period.start.slice(0, 10))}</text>`,
    `<text x="${CHART.left + plotW}" y="${CHART.height - 10}" font-size="10" text-anchor="end" fill="#57606a">${h(period.end.slice(0, 10))}</text>`,
    '</svg>',
    `<figcaption>${h(objective.name)}: ${formatPercent(last, 2)} left</figcaption></figure>`,
  ].join('');
}

function burnRateSection(report: SlaReport): string {
  const ok = report.objectives.filter((o) => o.state === 'ok' && o.burnRates);
  if (ok.length === 0) return '';
  return [
    '<section id="burn-rates"><h2>Burn rates now</h2>',
    '<p class="meta">How fast each budget burns over the windows ending at the report time (1× spends exactly the budget over 30 days). The page fires above 14.4× (1h) or 6× (6h), the ticket above 3× (1d) or 1× (3d), each with its short window.</p>',
    '<table class="burn-rates"><thead><tr><th class="name">Objective</th><th>1h</th><th>6h</th><th>1d</th><th>3d</th><th class="name">Alert conditions</th></tr></thead><tbody>',
    ...ok.map((o) => {
      const r = o.burnRates!;
      const state = o.burningNow?.page ? 'page' : o.burningNow?.ticket ? 'ticket' : 'none';
      return `<tr><td class="name">${h(o.name)}</td><td>${formatRate(r['1h'])}</td><td>${formatRate(r['6h'])}</td><td>${formatRate(r['1d'])}</td><td>${formatRate(r['3d'])}</td><td class="text">${state}</td></tr>`;
    }),
    '</tbody></table></section>',
  ].join('\n');
}
