/**
 * The rule files as synthesized into the rules ConfigMap pass the real
 * `promtool check rules`, with every rule counted, for both profiles.
 */
import { parse } from 'yaml';
import { ruleFilesData, ruleFilesFor } from '../../charts/rules';
import { loadProfile } from '../../config';
import { checkRules } from '../../scripts/lib/prometheus-tools';
import { findObject, synthProfile } from '../helpers/synth';

describe.each(['default', 'production'] as const)('%s profile', (profile) => {
  const data: Record<string, string> = findObject(synthProfile(profile), 'ConfigMap', 'prometheus-rules').data;

  it('ships exactly the catalogue\'s rule files', () => {
    expect(data).toEqual(ruleFilesData(ruleFilesFor(loadProfile(profile))));
  });

  it.each(Object.keys(data).map((f) => [f]))('%s passes promtool check rules with every rule counted', (file) => {
    const result = checkRules(file, data[file]);
    const rules = parse(data[file]).groups.reduce((n: number, g: { rules: unknown[] }) => n + g.rules.length, 0);
    expect(result.output).toContain(`SUCCESS: ${rules} rules found`);
    expect(result.ok).toBe(true);
  });
});
