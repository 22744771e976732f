/**
 * The dashboards the stack provisions into Grafana, by folder: the
 * overviews, Kubernetes (USE), one per stack component, and one per SLO.
 * Built with the Grafana Foundation SDK; `dashboardsFor` gives their JSON
 * models, which the Grafana chart provisions one ConfigMap each.
 */
import type { MonitoringConfig } from '../../config';
import { kubernetesCluster, kubernetesNodes } from './kubernetes';
import { executiveOverview, operations } from './overview';
import type { DashboardModel } from './panels';
import { sloDashboard, sloDashboardName } from './slo';
import { alertmanagerDashboard, jaegerDashboard, lokiDashboard, prometheusDashboard } from './stack';

export { type DashboardModel } from './panels';
export { sloDashboardName } from './slo';

/** One dashboard and where it goes. */
export interface DashboardDefinition {
  /** Grafana folder title. */
  readonly folder: string;
  /** ConfigMap suffix and dashboard UID. */
  readonly name: string;
  readonly dashboard: DashboardModel;
}

export const DASHBOARD_FOLDERS = { overview: 'Overview', kubernetes: 'Kubernetes', stack: 'Monitoring stack', slos: 'SLOs' } as const;

/** Every dashboard for a configuration. */
export function dashboardsFor(config: MonitoringConfig): DashboardDefinition[] {
  const { overview, kubernetes, stack, slos } = DASHBOARD_FOLDERS;
  return [
    { folder: overview, name: 'executive-overview', dashboard: executiveOverview(config) },
    { folder: overview, name: 'operations', dashboard: operations(config) },
    { folder: kubernetes, name: 'kubernetes-cluster', dashboard: kubernetesCluster(config) },
    { folder: kubernetes, name: 'kubernetes-nodes', dashboard: kubernetesNodes(config) },
    { folder: stack, name: 'stack-prometheus', dashboard: prometheusDashboard(config) },
    { folder: stack, name: 'stack-alertmanager', dashboard: alertmanagerDashboard(config) },
    { folder: stack, name: 'stack-loki', dashboard: lokiDashboard(config) },
    { folder: stack, name: 'stack-jaeger', dashboard: jaegerDashboard(config) },
    ...config.slos.map((slo) => ({ folder: slos, name: sloDashboardName(slo), dashboard: sloDashboard(config, slo) })),
  ];
}
