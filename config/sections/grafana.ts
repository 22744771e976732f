/**
 * Grafana: one replica on SQLite for small installs, or several replicas
 * sharing a PostgreSQL database with unified alerting clustered between
 * them. Credentials are never values here: the admin login and the database
 * password are keys of Secrets the user creates.
 */
import { z } from 'zod';
import { Cidr, K8sName, Quantity, Resources, resources, SecretKeyRef, shown } from './common';

const SecretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: (i) => `${shown(i.input)} is not a valid Secret key` });
const Hostname = z
  .string()
  .regex(/^([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/, {
    error: (i) => `${shown(i.input)} is not a host name such as "grafana.abc123.eu-west-1.rds.amazonaws.com" (no scheme, no port)`,
  });

const PostgresDatabase = z.strictObject({
  /** Host name of the server (e.g. the RDS endpoint), without port. */
  host: Hostname,
  port: z.number().int().min(1).max(65535).default(5432),
  /** Database name. */
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/).default('grafana'),
  user: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/).default('grafana'),
  /** `require` encrypts; `verify-full` also checks the server's certificate and name. */
  sslMode: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).default('require'),
  /** The password, as a key of a Secret in the monitoring namespace. */
  passwordSecret: SecretKeyRef.default({ name: 'grafana-database', key: 'password' }),
  /** Where the database is, for the egress NetworkPolicy (the RDS subnets). */
  cidrs: z.array(Cidr).min(1, { error: 'needs at least one CIDR: Grafana must be allowed to reach its database' }).default(['10.0.0.0/16']),
});
export type PostgresDatabase = z.infer<typeof PostgresDatabase>;

export const GrafanaSection = z.strictObject({
  /** More than one needs `database.type: postgres`. */
  replicas: z.number().int().min(1, { error: 'must be at least 1' }).max(10).default(1),
  resources: Resources.default(resources('100m', '256Mi', '1', '512Mi')),
  /** The Secret with the admin login, created by the user. */
  adminSecret: z
    .strictObject({
      name: K8sName.default('grafana-admin'),
      userKey: SecretKey.default('admin-user'),
      passwordKey: SecretKey.default('admin-password'),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** `sqlite` keeps everything on the replica's volume; `postgres` is shared by replicas. */
      type: z.enum(['sqlite', 'postgres']).default('sqlite'),
      /** The SQLite volume. */
      storage: z.strictObject({ size: Quantity.default('10Gi') }).prefault({}),
      /** Required when `type` is `postgres`. */
      postgres: PostgresDatabase.optional(),
    })
    .prefault({}),
  /**
   * Read Prometheus through Thanos Query (the deduplicated, long-term view)
   * instead of the ClientIP-affine `prometheus` Service.
   */
  thanosQuery: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Service of the Thanos Query pods in the monitoring namespace. */
      serviceName: K8sName.default('thanos-query'),
      /** Its HTTP port. */
      port: z.number().int().min(1).max(65535).default(10902),
      /** Labels of the Thanos Query pods, for the NetworkPolicy. */
      podLabels: z.record(z.string(), z.string()).default({ 'app.kubernetes.io/name': 'thanos-query' }),
    })
    .prefault({}),
});
export type GrafanaSection = z.infer<typeof GrafanaSection>;
