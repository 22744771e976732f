/** A chart to put one construct in, and its synthesized objects. */
import { Chart, Testing } from 'cdk8s';

export function testChart(): Chart {
  return new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
}

export function objectsOf(chart: Chart): any[] {
  return Testing.synth(chart);
}

export function only(objects: any[], kind: string, name?: string): any {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (matches.length !== 1) throw new Error(`expected one ${kind}${name ? '/' + name : ''}, found ${matches.length}`);
  return matches[0];
}
