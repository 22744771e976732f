import { parse } from 'yaml';
import { resolveConfig } from '../../../config';
import { Alertmanager, type AlertmanagerProps } from '../../../constructs/k8s/alertmanager';
import { PAGERDUTY_SEVERITY, referencedSecretKeys, renderAlertmanagerConfig } from '../../../constructs/k8s/alertmanager-config';
import { objectsOf, only, testChart } from './harness';

const defaults = resolveConfig({}, 'test').alertmanager;
const props: AlertmanagerProps = {
  namespace: 'monitoring',
  image: 'quay.io/prometheus/alertmanager:v0.28.1',
  storageClassName: 'monitoring-gp3',
  secretName: 'alertmanager-receivers',
  config: { receivers: defaults.receivers, route: defaults.route, inhibitRules: defaults.inhibitRules },
};

function synth(overrides: Partial<AlertmanagerProps> = {}) {
  const chart = testChart();
  const alertmanager = new Alertmanager(chart, 'am', { ...props, ...overrides });
  return { alertmanager, objects: objectsOf(chart) };
}

describe('Alertmanager', () => {
  it('matches the snapshot of its defaults', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  it('peers every replica by its stable DNS name', () => {
    const args: string[] = only(synth({ replicas: 3 }).objects, 'StatefulSet').spec.template.spec.containers[0].args;
    expect(args.filter((a) => a.startsWith('--cluster.peer='))).toEqual([
      '--cluster.peer=alertmanager-0.alertmanager.monitoring.svc:9094',
      '--cluster.peer=alertmanager-1.alertmanager.monitoring.svc:9094',
      '--cluster.peer=alertmanager-2.alertmanager.monitoring.svc:9094',
    ]);
    expect(args).toContain('--cluster.advertise-address=$(POD_IP):9094');
  });

  it('publishes gossip on 9094 over TCP and UDP through a headless Service that lists unready peers', () => {
    const service = only(synth().objects, 'Service', 'alertmanager');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.publishNotReadyAddresses).toBe(true);
    expect(service.spec.ports.map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`)).toEqual(['9093/TCP', '9094/TCP', '9094/UDP']);
  });

  it('turns gossip off, with no cluster ports, for a single replica', () => {
    const objects = synth({ replicas: 1 }).objects;
    const container = only(objects, 'StatefulSet').spec.template.spec.containers[0];
    expect(container.args).toContain('--cluster.listen-address=');
    expect(container.ports.map((p: any) => p.name)).toEqual(['web']);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });

  it('mounts the receivers Secret and reads every credential from a file in it', () => {
    const { objects, alertmanager } = synth();
    const pod = only(objects, 'StatefulSet').spec.template.spec;
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'secrets', secret: { secretName: 'alertmanager-receivers', defaultMode: 0o440 } }]));
    const rendered = parse(alertmanager.configYaml);
    expect(rendered.receivers).toEqual([
      { name: 'default', webhook_configs: [{ url_file: '/etc/alertmanager/secrets/default-webhook-url', send_resolved: true, max_alerts: 0 }] },
      { name: 'pagerduty', pagerduty_configs: [{ routing_key_file: '/etc/alertmanager/secrets/pagerduty-routing-key', severity: PAGERDUTY_SEVERITY, send_resolved: true }] },
      expect.objectContaining({ name: 'slack', slack_configs: [expect.objectContaining({ api_url_file: '/etc/alertmanager/secrets/slack-api-url', channel: '#alerts' })] }),
      expect.objectContaining({ name: 'low-traffic', slack_configs: [expect.objectContaining({ api_url_file: '/etc/alertmanager/secrets/slack-api-url', channel: '#alerts-low-traffic' })] }),
    ]);
  });
});

describe('renderAlertmanagerConfig', () => {
  const receivers = resolveConfig(
    {
      alertmanager: {
        receivers: [
          { name: 'mail', email: [{ to: 'sre@example.com', from: 'am@example.com', smarthost: 'smtp.example.com:587', authUsername: 'am', authPasswordSecretKey: 'smtp-password' }] },
          { name: 'hook', webhook: [{ url: 'https://hooks.example.com/alerts', bearerTokenSecretKey: 'hook-token' }] },
        ],
        route: { receiver: 'mail', routes: [{ matchers: ['team="db"'], receiver: 'hook', continue: true }] },
      },
    },
    'test',
  ).alertmanager;
  const rendered: any = renderAlertmanagerConfig({ ...receivers, secretsDir: '/s' });

  it('renders the routing tree in Alertmanager\'s names', () => {
    expect(rendered.route).toEqual({ receiver: 'mail', routes: [{ receiver: 'hook', matchers: ['team="db"'], continue: true }] });
  });

  it('takes SMTP passwords and webhook tokens from files', () => {
    expect(rendered.receivers[0].email_configs[0]).toMatchObject({ auth_password_file: '/s/smtp-password', require_tls: true });
    expect(rendered.receivers[1].webhook_configs[0]).toEqual({
      url: 'https://hooks.example.com/alerts',
      send_resolved: true,
      max_alerts: 0,
      http_config: { authorization: { type: 'Bearer', credentials_file: '/s/hook-token' } },
    });
    expect(referencedSecretKeys(receivers.receivers)).toEqual(['hook-token', 'smtp-password']);
  });

  it('renders inhibition rules', () => {
    expect(rendered.inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['cluster', 'service', 'instance'] },
      { source_matchers: ['severity="high"'], target_matchers: ['severity="info"'], equal: ['cluster', 'service', 'instance'] },
      {
        source_matchers: ['alertname="ServiceDown"'],
        target_matchers: ['alertname=~"TargetDown|ServiceErrorRatio(Warning|Critical)|ServiceLatencyP95(Warning|Critical)"'],
        equal: ['cluster', 'namespace', 'service'],
      },
    ]);
  });

  it('reads a webhook URL that embeds a token from a file, and sends PagerDuty events to a configured endpoint', () => {
    const config = resolveConfig(
      {
        alertmanager: {
          receivers: [
            { name: 'default', webhook: [{ urlSecretKey: 'teams-webhook-url' }] },
            { name: 'pagerduty', pagerduty: [{ url: 'https://events.eu.pagerduty.com/v2/enqueue' }] },
          ],
          route: { receiver: 'default' },
        },
      },
      'test',
    ).alertmanager;
    const out: any = renderAlertmanagerConfig({ ...config, secretsDir: '/s' });
    expect(out.receivers[0].webhook_configs[0]).toEqual({ url_file: '/s/teams-webhook-url', send_resolved: true, max_alerts: 0 });
    expect(out.receivers[1].pagerduty_configs[0]).toEqual({ routing_key_file: '/s/pagerduty-routing-key', url: 'https://events.eu.pagerduty.com/v2/enqueue', severity: PAGERDUTY_SEVERITY, send_resolved: true });
    expect(referencedSecretKeys(config.receivers)).toEqual(['pagerduty-routing-key', 'teams-webhook-url']);
  });
});
