/** Running the catalogue's generated promtool tests from jest. */
import { type RuleFile, ruleFilesData, type RuleTestFile, ruleTestFiles } from '../../../charts/rules';
import { testRules, type ToolResult } from '../../../scripts/lib/prometheus-tools';

/** Every generated test file of these rule files, with the file it belongs to. */
export function testFilesOf(files: readonly RuleFile[]): RuleTestFile[] {
  return files.flatMap(ruleTestFiles);
}

/** `promtool test rules` on one generated test file, beside the rule file it loads. */
export function runPromtool(files: readonly RuleFile[], test: RuleTestFile): ToolResult {
  const rules = ruleFilesData(files);
  return testRules({ [test.ruleFile]: rules[test.ruleFile], [test.fileName]: test.content }, test.fileName);
}
