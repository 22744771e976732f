/**
 * A small typed model of the Alloy configuration syntax and its printer:
 * blocks (`name "label" { ... }`), attributes (`key = value`) and values
 * (strings, numbers, booleans, arrays, objects, and expressions such as
 * component references or `sys.env(...)`).
 *
 * @see https://grafana.com/docs/alloy/latest/get-started/configuration-syntax/syntax/
 */

/** An Alloy expression written as is: a reference (`loki.write.default.receiver`) or a call. */
export class AlloyExpression {
  constructor(readonly text: string) {
    if (!text.trim()) throw new Error('AlloyExpression: an expression cannot be empty');
  }
}

/** Shorthand for an expression value. */
export function expr(text: string): AlloyExpression {
  return new AlloyExpression(text);
}

export type AlloyValue = string | number | boolean | AlloyExpression | readonly AlloyValue[] | { readonly [key: string]: AlloyValue };

/** A block: a component (`loki.write "default"`) or a nested block (`rule`, `endpoint`). */
export interface AlloyBlock {
  /** Dotted block name, e.g. `discovery.kubernetes` or `stage.json`. */
  readonly name: string;
  /** The component label; nested blocks have none. */
  readonly label?: string;
  /** Attributes in the order they are written. */
  readonly attributes?: Readonly<Record<string, AlloyValue>>;
  /** Nested blocks, written after the attributes. */
  readonly blocks?: readonly AlloyBlock[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BLOCK_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const INDENT = '  ';

/** Print blocks as an Alloy configuration file. */
export function printAlloy(blocks: readonly AlloyBlock[]): string {
  return blocks.map((block) => printBlock(block, 0)).join('\n\n') + '\n';
}

function printBlock(block: AlloyBlock, depth: number): string {
  if (!BLOCK_NAME.test(block.name)) throw new Error(`Alloy block name "${block.name}" is not a dotted identifier`);
  if (block.label !== undefined && !IDENTIFIER.test(block.label)) throw new Error(`Alloy block label "${block.label}" must be an identifier (letters, digits, "_")`);
  const pad = INDENT.repeat(depth);
  const header = block.label === undefined ? block.name : `${block.name} ${quote(block.label)}`;
  const attributes = Object.entries(block.attributes ?? {}).map(([key, value]) => {
    if (!IDENTIFIER.test(key)) throw new Error(`Alloy attribute "${key}" in ${header} is not an identifier`);
    return `${pad}${INDENT}${key} = ${printValue(value, depth + 1)}`;
  });
  const children = (block.blocks ?? []).map((child) => printBlock(child, depth + 1));
  const body = [...attributes, ...(attributes.length && children.length ? [''] : []), ...children.flatMap((c, i) => (i > 0 ? ['', c] : [c]))];
  return body.length === 0 ? `${pad}${header} { }` : `${pad}${header} {\n${body.join('\n')}\n${pad}}`;
}

function printValue(value: AlloyValue, depth: number): string {
  if (value instanceof AlloyExpression) return value.text;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Alloy number ${value} is not finite`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => printValue(item, depth)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, AlloyValue>);
  if (entries.length === 0) return '{}';
  const pad = INDENT.repeat(depth);
  const lines = entries.map(([key, item]) => `${pad}${INDENT}${IDENTIFIER.test(key) ? key : quote(key)} = ${printValue(item, depth + 1)},`);
  return `{\n${lines.join('\n')}\n${pad}}`;
}

/** A double-quoted Alloy string; JSON's escapes are a subset of Alloy's (Go) escapes. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * Component references (`a.b.label.export`) in the printed blocks that name
 * no component defined among them: a typo would make Alloy refuse to start.
 */
export function unresolvedReferences(blocks: readonly AlloyBlock[], knownNamespaces: readonly string[]): string[] {
  const defined = new Set(blocks.filter((b) => b.label !== undefined).map((b) => `${b.name}.${b.label}`));
  const references = new Set<string>();
  const visitValue = (value: AlloyValue): void => {
    if (value instanceof AlloyExpression) {
      for (const match of value.text.matchAll(/\b([a-z_]+(?:\.[a-z_]+)+)\b/g)) references.add(match[1]);
    } else if (Array.isArray(value)) value.forEach(visitValue);
    else if (value && typeof value === 'object') Object.values(value as Record<string, AlloyValue>).forEach(visitValue);
  };
  const visitBlock = (block: AlloyBlock): void => {
    Object.values(block.attributes ?? {}).forEach(visitValue);
    (block.blocks ?? []).forEach(visitBlock);
  };
  blocks.forEach(visitBlock);
  return [...references].filter((ref) => {
    const parts = ref.split('.');
    if (!knownNamespaces.includes(parts[0])) return false;
    // A reference is `<component name>.<label>.<export>`: some prefix of it must be a defined component.
    return !parts.some((_, i) => i >= 2 && defined.has(parts.slice(0, i).join('.')));
  });
}
