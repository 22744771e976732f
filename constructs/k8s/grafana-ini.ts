/**
 * Renders `grafana.ini` from typed settings. Pure. No secret is ever a
 * value: the admin login and the database password are read from mounted
 * Secret files through Grafana's `$__file{}` expansion, and the pod's own
 * address through `$__env{}`.
 *
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/ (Grafana 12: variable expansion, [unified_alerting] HA settings)
 */
import { type IniDocument, toIni } from './lib/ini';

/** Where Grafana keeps its state (SQLite, plugins, sessions of SQLite installs). */
export const GRAFANA_DATA_DIR = '/var/lib/grafana';
export const GRAFANA_PROVISIONING_DIR = '/etc/grafana/provisioning';
/** The env var holding the pod IP, for the alerting cluster's addresses. */
export const GRAFANA_POD_IP_ENV = 'POD_IP';

/** SQLite on the replica's volume, or a PostgreSQL server shared by replicas. */
export type GrafanaDatabaseSettings =
  | { readonly type: 'sqlite' }
  | {
      readonly type: 'postgres';
      readonly host: string;
      readonly port: number;
      readonly name: string;
      readonly user: string;
      readonly sslMode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
      /** File holding the password (a mounted Secret key). */
      readonly passwordFile: string;
    };

export interface GrafanaIniSettings {
  /** Public URL, e.g. `https://grafana.monitoring.example.com/`. */
  readonly rootUrl: string;
  readonly httpPort: number;
  /** Files holding the admin login (mounted Secret keys). */
  readonly adminUserFile: string;
  readonly adminPasswordFile: string;
  readonly database: GrafanaDatabaseSettings;
  /**
   * Unified alerting peers: the headless Service `host:port` that resolves
   * to every replica. Absent for a single replica (no cluster to form).
   */
  readonly alertingHa?: { readonly peers: string; readonly port: number };
}

/** The `grafana.ini` sections as a plain document. */
export function renderGrafanaIni(settings: GrafanaIniSettings): IniDocument {
  const secure = settings.rootUrl.startsWith('https://');
  return {
    server: { protocol: 'http', http_port: settings.httpPort, root_url: settings.rootUrl, enforce_domain: false, enable_gzip: true },
    paths: { data: GRAFANA_DATA_DIR, plugins: `${GRAFANA_DATA_DIR}/plugins`, provisioning: GRAFANA_PROVISIONING_DIR, logs: '/var/log/grafana' },
    database: renderDatabase(settings.database),
    security: {
      admin_user: `$__file{${settings.adminUserFile}}`,
      admin_password: `$__file{${settings.adminPasswordFile}}`,
      disable_initial_admin_creation: false,
      disable_gravatar: true,
      cookie_secure: secure,
      cookie_samesite: 'lax',
      strict_transport_security: secure,
      content_security_policy: true,
    },
    users: { allow_sign_up: false, allow_org_create: false },
    'auth.anonymous': { enabled: false },
    // Usage reporting and update checks call grafana.com; the egress policy does not allow it, and neither do we.
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false, feedback_links_enabled: false },
    news: { news_feed_enabled: false },
    log: { mode: 'console', level: 'info' },
    'log.console': { format: 'json' },
    metrics: { enabled: true },
    unified_alerting: renderAlerting(settings.alertingHa),
  };
}

/** `grafana.ini` as text. */
export function grafanaIniText(settings: GrafanaIniSettings): string {
  return toIni(renderGrafanaIni(settings));
}

function renderDatabase(database: GrafanaDatabaseSettings): IniDocument[string] {
  if (database.type === 'sqlite') {
    // WAL lets the UI read while alerting writes; one replica owns the file.
    return { type: 'sqlite3', path: 'grafana.db', wal: true };
  }
  return {
    type: 'postgres',
    host: `${database.host}:${database.port}`,
    name: database.name,
    user: database.user,
    password: `$__file{${database.passwordFile}}`,
    ssl_mode: database.sslMode,
  };
}

function renderAlerting(ha: GrafanaIniSettings['alertingHa']): IniDocument[string] {
  if (!ha) return { enabled: true };
  const own = `$__env{${GRAFANA_POD_IP_ENV}}:${ha.port}`;
  return {
    enabled: true,
    // Replicas gossip silences and the notification log, so each alert is sent once.
    ha_peers: ha.peers,
    ha_listen_address: own,
    ha_advertise_address: own,
    ha_peer_timeout: '15s',
    ha_reconnect_timeout: '2m',
  };
}
