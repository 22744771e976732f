/**
 * The panel vocabulary of our dashboards, on the Grafana Foundation SDK
 * (the typed builders generated from Grafana's own schemas): every panel
 * reads the provisioned Prometheus data source by its stable UID, queries
 * are PromQL with Grafana's `$__rate_interval`/`$__range` and the
 * dashboard's own variables only inside label matchers, so the tests can
 * check each one with promtool after substituting those.
 */
import { DashboardBuilder, DashboardCursorSync, type Dashboard, QueryVariableBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueColorMode, BigValueGraphMode, ReduceDataOptionsBuilder, StackingConfigBuilder, StackingMode, VizLegendOptionsBuilder, LegendDisplayMode, LegendPlacement } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE_UIDS } from '../../constructs/k8s/grafana-datasources';

/** The provisioned Prometheus data source. */
export const PROMETHEUS = { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus };

/** A query and how its series are named in the legend. */
export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{service}}`. */
  readonly legend?: string;
}

/** `{ expr, legend }` shorthand. */
export function q(expr: string, legend?: string): Query {
  return { expr, legend };
}

function target(query: Query, index: number, instant = false): DataqueryBuilder {
  const builder = new DataqueryBuilder().datasource(PROMETHEUS).expr(query.expr).refId(String.fromCharCode(65 + index));
  if (query.legend) builder.legendFormat(query.legend);
  return instant ? builder.instant() : builder.range();
}

/** Threshold steps from a base colour: `[['green'], ['orange', 0.8], ['red', 0.9]]`. */
export type Steps = ReadonlyArray<readonly [string, number?]>;

function thresholds(steps: Steps): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map(([color, value]) => ({ color, value: value ?? null })));
}

export interface PanelOptions {
  /** Grafana unit id: `percentunit`, `s`, `bytes`, `reqps`, `short`, ... */
  readonly unit?: string;
  readonly description?: string;
  /** Width in grid columns (24 is the full width). @default 12 */
  readonly width?: number;
  /** @default 8 */
  readonly height?: number;
  readonly steps?: Steps;
  readonly min?: number;
  readonly max?: number;
  readonly stacked?: boolean;
}

/** A time series panel. */
export function timeseries(title: string, queries: readonly Query[], options: PanelOptions = {}): TimeseriesPanel {
  const panel = new TimeseriesPanel()
    .title(title)
    .datasource(PROMETHEUS)
    .targets(queries.map((query, i) => target(query, i)))
    .span(options.width ?? 12)
    .height(options.height ?? 8)
    .unit(options.unit ?? 'short')
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom));
  if (options.description) panel.description(options.description);
  if (options.steps) panel.thresholds(thresholds(options.steps));
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  if (options.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal)).fillOpacity(30);
  return panel;
}

/** A single-value panel of the last value of an instant query. */
export function stat(title: string, query: Query, options: PanelOptions = {}): StatPanel {
  const panel = new StatPanel()
    .title(title)
    .datasource(PROMETHEUS)
    .withTarget(target(query, 0, true))
    .span(options.width ?? 6)
    .height(options.height ?? 4)
    .unit(options.unit ?? 'short')
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(thresholds(options.steps ?? [['green']]));
  if (options.description) panel.description(options.description);
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  return panel;
}

/** A table of instant queries, one column per query, merged on their labels. */
export function table(title: string, queries: readonly Query[], options: PanelOptions = {}): TablePanel {
  const panel = new TablePanel()
    .title(title)
    .datasource(PROMETHEUS)
    .targets(queries.map((query, i) => target(query, i, true).format(PromQueryFormat.Table)))
    .span(options.width ?? 24)
    .height(options.height ?? 8)
    .unit(options.unit ?? 'short')
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } });
  if (options.description) panel.description(options.description);
  if (options.steps) panel.thresholds(thresholds(options.steps));
  return panel;
}

/** A collapsible row heading. */
export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}

/**
 * A variable listing the values of a label, e.g. `service` from
 * `up`; multi-valued with "All" as `.*`, so queries use it as
 * `label=~"$name"`.
 */
export function labelVariable(name: string, label: string, selector: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ query: `label_values(${selector}, ${name})`, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .definition(`label_values(${selector}, ${name})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

export interface DashboardOptions {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** @default 'now-6h' */
  readonly from?: string;
  readonly variables?: readonly QueryVariableBuilder[];
}

/** A dashboard skeleton: read-only (provisioned as code), shared crosshair, refreshing every minute. */
export function dashboard(options: DashboardOptions): DashboardBuilder {
  const builder = new DashboardBuilder(options.title)
    .uid(options.uid)
    .description(options.description)
    .tags([...options.tags])
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: options.from ?? 'now-6h', to: 'now' })
    .timezone('browser');
  for (const variable of options.variables ?? []) builder.withVariable(variable);
  return builder;
}

/** The built JSON model. */
export type DashboardModel = Dashboard;
