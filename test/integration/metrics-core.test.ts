/**
 * The rendered configuration on the real binaries: Prometheus loads
 * prometheus.yml and its rules (Kubernetes discovery pointed at nothing),
 * and two Alertmanagers with the rendered alertmanager.yml form a cluster
 * that shares silences.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { findObject, synthProfile } from '../helpers/synth';
import { eventually, freePort, getJson, type RunningServer, startAlertmanager, startPrometheus, tempDir } from '../helpers/processes';

jest.setTimeout(60_000);

const objects = synthProfile('production');

/** The rendered args without the in-pod paths and address, which the test sets itself. */
function portableArgs(args: string[]): string[] {
  return args.filter((a) => !/^--(config\.file|storage\.tsdb\.path|web\.listen-address)=/.test(a));
}

describe('Prometheus with the rendered configuration', () => {
  let prometheus: RunningServer;
  const rulesDir = tempDir('rules');
  const ruleFiles = findObject(objects, 'ConfigMap', 'prometheus-rules').data as Record<string, string>;
  const container = findObject(objects, 'StatefulSet', 'prometheus').spec.template.spec.containers[0];

  beforeAll(async () => {
    for (const [name, content] of Object.entries(ruleFiles)) writeFileSync(join(rulesDir, name), content);
    const config = parse(findObject(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    // The only edit: the rules live in a temporary folder instead of the pod's mount.
    config.rule_files = [join(rulesDir, '*.rules.yml')];
    const dataDir = join(rulesDir, 'data');
    prometheus = await startPrometheus({
      config: stringify(config),
      // The rendered flags, and one shim: Prometheus 3 expands ${POD_NAME} by default, the 2.53 we test with needs the flag.
      args: [
        ...portableArgs(container.args),
        '--enable-feature=expand-external-labels',
      ],
      env: { POD_NAME: 'prometheus-0' },
      dataDir,
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('loads the configuration and reports the reload successful', async () => {
    const metrics = await (await fetch(`${prometheus.url}/metrics`)).text();
    expect(metrics).toMatch(/^prometheus_config_last_reload_successful 1$/m);
    expect(metrics).toMatch(/^prometheus_rule_group_rules\{rule_group="[^"]*stack-health"\} \d+$/m);
  });

  it('expands the per-pod replica label', async () => {
    const config = parse((await getJson(`${prometheus.url}/api/v1/status/config`)).data.yaml);
    expect(config.global.external_labels).toEqual({ cluster: 'monitoring-prod', environment: 'production', replica: 'prometheus-0' });
  });

  it('retains by time and by size as rendered', async () => {
    const flags = (await getJson(`${prometheus.url}/api/v1/status/flags`)).data;
    expect(flags['storage.tsdb.retention.time']).toBe('30d');
    // Prometheus reads "GB" as 2^30 bytes and shows it back as GiB: 85% of the 100Gi volume.
    expect(flags['storage.tsdb.retention.size']).toBe('85GiB');
  });

  it('loads every rule group of every rule file', async () => {
    const groups = (await getJson(`${prometheus.url}/api/v1/rules`)).data.groups;
    const expected = Object.values(ruleFiles).flatMap((text) => parse(text).groups.map((g: { name: string; rules: unknown[] }) => [g.name, g.rules.length]));
    expect(groups.map((g: { name: string; rules: unknown[] }) => [g.name, g.rules.length])).toEqual(expected);
    expect(groups.flatMap((g: { rules: Array<{ health: string }> }) => g.rules).filter((r: { health: string }) => r.health === 'err')).toEqual([]);
  });

  it('has every rendered scrape job', async () => {
    const rendered = parse(findObject(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']).scrape_configs.map((j: { job_name: string }) => j.job_name);
    const loaded = parse((await getJson(`${prometheus.url}/api/v1/status/config`)).data.yaml).scrape_configs.map((j: { job_name: string }) => j.job_name);
    expect(loaded).toEqual(rendered);
  });
});

describe('Alertmanager cluster with the rendered configuration', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('forms a cluster of two peers that share silences', async () => {
    const config = findObject(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml'];
    const [portA, portB] = [await freePort(), await freePort()];
    servers.push(await startAlertmanager({ config, clusterPort: portA, peers: [`127.0.0.1:${portB}`] }));
    servers.push(await startAlertmanager({ config, clusterPort: portB, peers: [`127.0.0.1:${portA}`] }));
    const [a, b] = servers;

    await eventually('both peers to see each other', async () => {
      const [sa, sb] = [await getJson(`${a.url}/api/v2/status`), await getJson(`${b.url}/api/v2/status`)];
      return sa.cluster.peers.length === 2 && sb.cluster.peers.length === 2 && sa.cluster.status === 'ready' ? true : undefined;
    });

    const now = new Date();
    const silence = {
      matchers: [{ name: 'alertname', value: 'IntegrationTest', isRegex: false, isEqual: true }],
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + 3600_000).toISOString(),
      createdBy: 'integration-test',
      comment: 'gossip check',
    };
    const response = await fetch(`${a.url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(silence) });
    expect(response.status).toBe(200);
    const { silenceID } = (await response.json()) as { silenceID: string };
    const replicated = await eventually('the silence to reach the other peer', async () => {
      const silences: Array<{ id: string; comment: string }> = await getJson(`${b.url}/api/v2/silences`);
      return silences.find((s) => s.id === silenceID);
    });
    expect(replicated.comment).toBe('gossip check');
  });
});
