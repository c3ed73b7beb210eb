import { joinLines, padLeft, padRight } from './format.js';
import type { ShowContext } from './types.js';

export interface DataplaneStatsJson {
  readonly counters: Readonly<Record<string, number>>;
}

/** `show dataplane stats json`: counters by name, in the given order. */
export function showDataplaneStatsJson(ctx: ShowContext): DataplaneStatsJson {
  const counters: Record<string, number> = {};
  for (const c of ctx.dataplane) counters[c.name] = c.value;
  return { counters };
}

/** `show dataplane stats`: name and value columns, as wide as the longest of each. */
export function showDataplaneStats(ctx: ShowContext): string {
  let nameWidth = 'Counter'.length;
  let valueWidth = 'Value'.length;
  for (const c of ctx.dataplane) {
    nameWidth = Math.max(nameWidth, c.name.length);
    valueWidth = Math.max(valueWidth, String(c.value).length);
  }
  const lines = [`${padRight('Counter', nameWidth)}  ${padLeft('Value', valueWidth)}`];
  for (const c of ctx.dataplane) lines.push(`${padRight(c.name, nameWidth)}  ${padLeft(String(c.value), valueWidth)}`);
  return joinLines(lines);
}
