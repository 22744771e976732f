/**
 * The manifests of both profiles pass the real validators, and the
 * validators really reject bad input (so a green run means something).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildK8sApp } from '../../charts/app';
import { loadProfile } from '../../config';
import { validateAgainstSchema } from '../../scripts/lib/k8s-schema';
import { readManifests } from '../../scripts/lib/manifests';
import { checkAlertmanagerConfig, checkPrometheusConfig, checkRules } from '../../scripts/lib/prometheus-tools';
import { checkJaegerConfigText } from '../../scripts/lib/jaeger-config-check';
import { checkLokiConfigText } from '../../scripts/lib/loki-config-check';
import { validateManifests } from '../../scripts/lib/validate-output';
import { findObject, synthProfile } from '../helpers/synth';

describe.each(['default', 'production'] as const)('%s profile', (profile) => {
  const dir = mkdtempSync(join(tmpdir(), `validate-${profile}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the Kubernetes schemas, promtool and amtool', () => {
    buildK8sApp(loadProfile(profile), dir).synth();
    const findings = validateManifests(readManifests(dir));
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    const checks = new Set(findings.map((f) => f.check));
    expect([...checks].sort()).toEqual(['amtool check-config', 'jaeger config structure', 'kubernetes-schema', 'loki config structure', 'promtool check config', 'promtool check rules']);
    expect(findings.filter((f) => f.check === 'kubernetes-schema').length).toBeGreaterThan(40);
  });
});

describe('the validators reject bad input', () => {
  const objects = synthProfile('default');
  const configMapOf = (all: typeof objects, name: string): Record<string, string> => findObject(all, 'ConfigMap', name).data;

  it('schema: wrong types and missing required fields', () => {
    const sts = findObject(objects, 'StatefulSet', 'prometheus');
    sts.spec.template.spec.containers[0].ports[0].containerPort = 'web';
    expect(validateAgainstSchema(sts).join()).toContain('containerPort must be integer');
    delete sts.spec.selector;
    expect(validateAgainstSchema(sts).join()).toContain("must have required property selector");
  });

  it('schema: an apiVersion/kind with no schema', () => {
    expect(validateAgainstSchema({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: no schema for example.com/v1 Widget; is the apiVersion right?',
    ]);
  });

  it('promtool: a bad duration', () => {
    const result = checkPrometheusConfig('global:\n  scrape_interval: 15 s\n');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('unknown unit " s" in duration "15 s"');
  });

  it('promtool: a rule with a PromQL syntax error', () => {
    const result = checkRules('bad.rules.yml', 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: rate(up[5m]\n');
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/unclosed left parenthesis|parse error/);
  });

  it('loki structure: retention without a delete-request store, an unknown key', () => {
    const text = configMapOf(objects, 'loki-config')['loki.yaml'].replace(/\n\s+delete_request_store: filesystem/, '').replace('log_format: json', 'log_fromat: json');
    const problems = checkLokiConfigText(text);
    expect(problems).toContain('compactor.delete_request_store: required when retention_enabled is true (Loki 3 refuses to start without it)');
    expect(problems.join('\n')).toContain('server.log_fromat: unknown key');
  });

  it('jaeger structure: a pipeline naming an exporter that is not defined', () => {
    const text = configMapOf(objects, 'jaeger-config')['jaeger.yaml'].replace('- jaeger_storage_exporter', '- otlp');
    expect(checkJaegerConfigText(text)).toEqual(
      expect.arrayContaining(['service.pipelines.traces.exporters: "otlp" is not defined under exporters', 'exporters.jaeger_storage_exporter: defined but in no pipeline']),
    );
  });

  it('amtool: a route to a receiver that does not exist', () => {
    const result = checkAlertmanagerConfig('route:\n  receiver: missing\nreceivers:\n- name: other\n');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('undefined receiver "missing"');
  });
});
