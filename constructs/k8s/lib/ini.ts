/** INI files (Grafana's `grafana.ini`): sections of `key = value` lines. */

/** A value of an INI key; `undefined` leaves the key out. */
export type IniValue = string | number | boolean | undefined;

/** An INI document: section name to its keys. */
export type IniDocument = Record<string, Record<string, IniValue>>;

/**
 * Render sections in the given order, keys in the given order. Values are
 * written as they are: Grafana reads everything after `=` verbatim, so
 * quoting would become part of the value.
 */
export function toIni(document: IniDocument): string {
  return Object.entries(document)
    .map(([section, keys]) => {
      const lines = Object.entries(keys)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key} = ${checkValue(section, key, value!)}`);
      return [`[${section}]`, ...lines].join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function checkValue(section: string, key: string, value: string | number | boolean): string {
  const text = String(value);
  if (/[\r\n]/.test(text)) throw new Error(`INI [${section}] ${key}: a value cannot span lines`);
  return text;
}

/** Parse what `toIni` writes, for tests and policy rules: section to key to raw value. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      result[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`INI line "${line}" is neither a [section] nor key = value`);
    (result[section] ??= {})[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return result;
}
