/**
 * The rendered routing on the real `amtool` (0.28): each severity and each
 * team reaches the expected receivers, with the timing the issue asks for,
 * and every credential is a `*_file`.
 */
import { parse } from 'yaml';
import { resolveConfig } from '../../config';
import { renderAlertmanagerConfig } from '../../constructs/k8s/alertmanager-config';
import { toYaml } from '../../constructs/k8s/lib/yaml';
import { checkAlertmanagerConfig, routeReceivers } from '../../scripts/lib/prometheus-tools';
import { findObject, synthProfile } from '../helpers/synth';

jest.setTimeout(60_000);

const defaultYaml: string = findObject(synthProfile('default'), 'ConfigMap', 'alertmanager-config').data['alertmanager.yml'];

/** A configuration with team routes: the database team has its own pager, ml only a channel and an address. */
const teamsConfig = resolveConfig(
  {
    alertmanager: {
      receivers: [
        { name: 'default', webhook: [{ urlSecretKey: 'default-webhook-url' }] },
        { name: 'pagerduty', pagerduty: [{}] },
        { name: 'slack', slack: [{ channel: '#alerts' }] },
        { name: 'low-traffic', email: [{ to: 'alerts-digest@example.com', from: 'alertmanager@example.com', smarthost: 'smtp.example.com:587', authUsername: 'alertmanager', authPasswordSecretKey: 'smtp-password' }] },
        { name: 'team-database', slack: [{ channel: '#team-database', apiUrlSecretKey: 'slack-database-url' }] },
        { name: 'pagerduty-database', pagerduty: [{ routingKeySecretKey: 'pagerduty-database-key' }] },
        { name: 'team-ml', slack: [{ channel: '#team-ml', apiUrlSecretKey: 'slack-ml-url' }], email: [{ to: 'ml-oncall@example.com', from: 'alertmanager@example.com', smarthost: 'smtp.example.com:587' }] },
      ],
      routing: {
        teams: [
          { team: 'database', receiver: 'team-database', pagerReceiver: 'pagerduty-database' },
          { team: 'ml', receiver: 'team-ml' },
        ],
      },
    },
  },
  'teams',
).alertmanager;
const teamsYaml = toYaml(renderAlertmanagerConfig({ receivers: teamsConfig.receivers, route: teamsConfig.route, inhibitRules: teamsConfig.inhibitRules, secretsDir: '/etc/alertmanager/secrets' }));

describe.each([
  ['default profile', defaultYaml],
  ['with team routes', teamsYaml],
])('%s', (_name, yaml) => {
  it('passes amtool check-config', () => {
    const result = checkAlertmanagerConfig(yaml);
    expect(result.output).toContain('SUCCESS');
  });

  it('groups by alertname, cluster and service, and reads every credential from a file', () => {
    const config = parse(yaml);
    expect(config.route.group_by).toEqual(['alertname', 'cluster', 'service']);
    expect(yaml).not.toMatch(/^\s*(api_url|routing_key|service_key|auth_password|bot_token|credentials):/m);
    for (const receiver of config.receivers) {
      for (const slack of receiver.slack_configs ?? []) expect(slack.api_url_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
      for (const pagerduty of receiver.pagerduty_configs ?? []) expect(pagerduty.routing_key_file).toMatch(/^\/etc\/alertmanager\/secrets\//);
    }
  });

  it.each([
    [{ severity: 'critical', alertname: 'ServiceDown', service: 'checkout' }, ['pagerduty']],
    [{ severity: 'high', alertname: 'PodCrashLooping' }, ['slack']],
    [{ severity: 'warning', alertname: 'NodeCpuUsageWarning' }, ['slack']],
    [{ severity: 'info', alertname: 'ObservabilityCostHigh' }, ['low-traffic']],
    [{ alertname: 'SomethingWithoutSeverity' }, ['default']],
    [{ severity: 'debug' }, ['default']],
    [{ severity: 'high', team: 'backend' }, ['slack']],
  ])('routes %j to %j', (labels, receivers) => {
    expect(routeReceivers(yaml, labels)).toEqual(receivers);
  });
});

describe('team routes', () => {
  it.each([
    [{ severity: 'critical', team: 'database' }, ['pagerduty-database', 'team-database']],
    [{ severity: 'critical', team: 'ml' }, ['pagerduty', 'team-ml']],
    [{ severity: 'high', team: 'database' }, ['team-database']],
    [{ severity: 'warning', team: 'ml' }, ['team-ml']],
    [{ severity: 'info', team: 'database' }, ['team-database']],
    [{ team: 'ml' }, ['team-ml']],
    [{ severity: 'warning', team: 'platform' }, ['slack']],
  ])('routes %j to %j', (labels, receivers) => {
    expect(routeReceivers(teamsYaml, labels)).toEqual(receivers);
  });

  it('keeps each severity\'s timing on the team\'s routes', () => {
    const database = parse(teamsYaml).route.routes.find((r: { matchers: string[] }) => r.matchers[0] === 'team="database"');
    expect(database.routes.map((r: Record<string, unknown>) => [r.matchers, r.group_wait, r.repeat_interval])).toEqual([
      [['severity="critical"'], '0s', '5m'],
      [['severity="high"'], '30s', '1h'],
      [['severity="warning"'], '2m', '4h'],
      [['severity="info"'], '5m', '24h'],
    ]);
  });
});

describe('severity timing', () => {
  const routes = parse(defaultYaml).route.routes as Array<Record<string, unknown>>;
  const route = (severity: string) => routes.find((r) => (r.matchers as string[]).includes(`severity="${severity}"`))!;

  it('pages critical alerts with no group wait and a 5-minute repeat, and lets them continue to the team\'s routes', () => {
    expect(route('critical')).toMatchObject({ receiver: 'pagerduty', group_wait: '0s', repeat_interval: '5m', continue: true });
  });

  it('sends high after 30 seconds repeating hourly, warning after 2 minutes, info to the low-traffic channel', () => {
    expect(route('high')).toMatchObject({ receiver: 'slack', group_wait: '30s', repeat_interval: '1h' });
    expect(route('warning')).toMatchObject({ receiver: 'slack', group_wait: '2m' });
    expect(route('info')).toMatchObject({ receiver: 'low-traffic' });
  });
});
