/**
 * Every PromQL query of a dashboard's JSON model, as a checker needs it:
 * panel targets (in rows too) and the selectors of `label_values`
 * variables, with Grafana's variables replaced by values that keep the
 * PromQL valid (`$__rate_interval` and `$__range` by durations, a
 * dashboard variable by `.+` — our dashboards use them only inside label
 * matchers). A variable the dashboard does not define is an error.
 */

/** Grafana's built-in variables and what a checker substitutes for them. */
export const GRAFANA_BUILTINS: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1d',
  __range_s: '86400',
  __range_ms: '86400000',
};

/** A query and the panel (or variable) it belongs to. */
export interface DashboardQuery {
  readonly where: string;
  /** The query as written in the dashboard. */
  readonly raw: string;
  /** The query with variables substituted: plain PromQL. */
  readonly promql: string;
}

interface PanelJson {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: PanelJson[];
}

/** Every query of a dashboard model. */
export function dashboardQueries(model: unknown): DashboardQuery[] {
  const dashboard = model as { title?: string; panels?: PanelJson[]; templating?: { list?: Array<{ name: string; type: string; definition?: string }> } };
  const variables = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
  const substitute = (raw: string, where: string) => ({ where, raw, promql: substituteVariables(raw, variables, where) });
  const panels = (list: PanelJson[] = []): PanelJson[] => list.flatMap((p) => [p, ...panels(p.panels)]);
  const fromPanels = panels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).filter((t) => t.expr !== undefined).map((t, i) => substitute(t.expr!, `${dashboard.title} / ${panel.title} / query ${i + 1}`)),
  );
  const fromVariables = (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query' && v.definition)
    .map((v) => {
      const match = /^label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(v.definition!);
      if (!match) throw new Error(`${dashboard.title}: variable ${v.name} is not label_values(<selector>, <label>): ${v.definition}`);
      return substitute(match[1], `${dashboard.title} / variable ${v.name}`);
    });
  return [...fromPanels, ...fromVariables];
}

function substituteVariables(query: string, defined: ReadonlySet<string>, where: string): string {
  return query.replace(/\$(?:\{([a-zA-Z_][a-zA-Z0-9_]*)\}|([a-zA-Z_][a-zA-Z0-9_]*))/g, (_whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (GRAFANA_BUILTINS[name] !== undefined) return GRAFANA_BUILTINS[name];
    if (!defined.has(name)) throw new Error(`${where}: uses $${name}, which the dashboard does not define`);
    return '.+';
  });
}
