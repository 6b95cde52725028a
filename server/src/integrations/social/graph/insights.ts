import { arr, isObject, num, str, type GraphObject } from './graph-client.js';

/**
 * Reads an insights answer: `{"data":[{"name","period","values":[{"value"}]}]}` or, for
 * `metric_type=total_value`, `{"data":[{"name","total_value":{"value"}}]}`. A value may be a number or
 * an object of counts (`post_reactions_by_type_total` → `{"like":10,"love":2}`), which is summed.
 * A metric absent from the answer (Instagram leaves out what it cannot count) stays absent: null.
 */
export function insightValues(body: GraphObject): Map<string, number> {
  const values = new Map<string, number>();
  for (const entry of arr(body.data)) {
    if (!isObject(entry)) continue;
    const name = str(entry.name);
    if (!name) continue;
    const first = arr(entry.values)[0];
    const raw = isObject(entry.total_value) ? entry.total_value.value : isObject(first) ? first.value : undefined;
    const value = countOf(raw);
    if (value !== undefined) values.set(name, value);
  }
  return values;
}

function countOf(raw: unknown): number | undefined {
  const n = num(raw);
  if (n !== undefined) return n;
  if (!isObject(raw)) return undefined;
  let total = 0;
  for (const v of Object.values(raw)) total += num(v) ?? 0;
  return total;
}

/** `summary.total_count` of an edge asked for with `.summary(true)`. */
export function summaryCount(edge: unknown): number | null {
  if (!isObject(edge) || !isObject(edge.summary)) return null;
  return num(edge.summary.total_count) ?? null;
}

/** Graph timestamps look like `2026-01-02T08:00:00+0000`; make the offset ISO-8601 before parsing. */
export function graphTime(value: unknown): Date | undefined {
  const text = str(value);
  if (!text) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
