/**
 * `npm run validate`: checks what `npm run synth` wrote. Exits non-zero
 * when anything fails, listing every failure.
 */
import { readManifests } from './lib/manifests';
import { validateManifests } from './lib/validate-output';

function main(): void {
  const dir = process.argv[2] ?? process.env.CDK8S_OUTDIR ?? 'dist/k8s';
  const findings = validateManifests(readManifests(dir));
  const failures = findings.filter((f) => !f.ok);
  const byCheck = new Map<string, number>();
  for (const f of findings) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
  for (const [check, count] of byCheck) console.log(`${check}: ${count} checked`);
  for (const f of failures) console.error(`FAIL ${f.check} ${f.subject}\n  ${f.detail.replace(/\n/g, '\n  ')}`);
  if (failures.length > 0) {
    console.error(`${failures.length} of ${findings.length} checks failed`);
    process.exit(1);
  }
  console.log(`all ${findings.length} checks passed`);
}

main();
