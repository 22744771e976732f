/**
 * A Kubernetes API server that answers only what Prometheus's service
 * discovery asks (LIST, then a WATCH that stays open) for a fixed set of
 * objects. It is test input, not a stand-in for a component of ours: the
 * discovery and relabelling under test are the real Prometheus's.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The objects the fake cluster holds, by resource (`pods`, `nodes`, `services`, `endpoints`). */
export type ClusterState = Record<'pods' | 'nodes' | 'services' | 'endpoints', Array<Record<string, any>>>;

const LIST_KINDS: Record<string, string> = { pods: 'PodList', nodes: 'NodeList', services: 'ServiceList', endpoints: 'EndpointsList' };

export interface FakeKubeApi {
  readonly url: string;
  /** Paths requested so far. */
  readonly requests: string[];
  stop(): Promise<void>;
}

/** Serve `state` on a free loopback port. */
export async function startFakeKubeApi(state: ClusterState): Promise<FakeKubeApi> {
  const watches = new Set<ServerResponse>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    // /api/v1/<resource> or /api/v1/namespaces/<ns>/<resource>
    const match = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?(pods|nodes|services|endpoints)$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', status: 'Failure', code: 404 }));
      return;
    }
    const [, namespace, resource] = match;
    if (url.searchParams.get('watch') === 'true') {
      // Nothing ever changes: keep the watch open until the test ends.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      watches.add(res);
      res.on('close', () => watches.delete(res));
      return;
    }
    const items = state[resource as keyof ClusterState].filter((o) => !namespace || o.metadata.namespace === namespace);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: LIST_KINDS[resource], apiVersion: 'v1', metadata: { resourceVersion: '1' }, items }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      for (const res of watches) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A pod as the API returns it, with the fields discovery reads. */
export function pod(options: {
  name: string;
  namespace: string;
  ip: string;
  node?: string;
  phase?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ports?: Array<{ name?: string; containerPort: number }>;
  container?: string;
}): Record<string, any> {
  return {
    metadata: { name: options.name, namespace: options.namespace, uid: `uid-${options.namespace}-${options.name}`, labels: options.labels ?? {}, annotations: options.annotations ?? {} },
    spec: {
      nodeName: options.node ?? 'node-a',
      containers: [{ name: options.container ?? options.name.replace(/-[^-]+$/, ''), ports: (options.ports ?? []).map((p) => ({ protocol: 'TCP', ...p })) }],
    },
    status: {
      phase: options.phase ?? 'Running',
      podIP: options.ip,
      hostIP: '10.0.1.5',
      conditions: [{ type: 'Ready', status: options.phase === 'Pending' ? 'False' : 'True' }],
    },
  };
}

/** A node with an internal address and its kubelet port. */
export function node(name: string, ip: string): Record<string, any> {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': 'eu-west-1a' } },
    status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
  };
}
