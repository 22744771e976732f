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
    expect([...checks].sort()).toEqual(['amtool check-config', 'kubernetes-schema', 'promtool check config', 'promtool check rules']);
    expect(findings.filter((f) => f.check === 'kubernetes-schema').length).toBeGreaterThan(40);
  });
});

describe('the validators reject bad input', () => {
  const objects = synthProfile('default');

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

  it('amtool: a route to a receiver that does not exist', () => {
    const result = checkAlertmanagerConfig('route:\n  receiver: missing\nreceivers:\n- name: other\n');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('undefined receiver "missing"');
  });
});
