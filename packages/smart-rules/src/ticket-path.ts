/**
 * The value at a dotted path (split into `segments`) of a ticket, or `undefined`. Only own properties
 * are followed, so `__proto__` or `constructor` in a rule never reaches into the prototype chain.
 */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (let i = 0; i < segments.length; i++) {
    if (typeof value !== 'object' || value === null) return undefined;
    const key = segments[i] as string;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A ticket's date field as epoch ms, or `NaN`. A date-time without a zone is read as UTC, never in
 * the server's zone, so a rule behaves the same on every machine.
 */
export function instantOf(value: unknown): number {
  if (typeof value !== 'string' || !ISO_PREFIX.test(value)) return Number.NaN;
  return Date.parse(value.length > 10 && !HAS_ZONE.test(value) ? `${value}Z` : value);
}

/**
 * Structural equality for the JSON values found in tickets and `changes`. Below 64 levels values
 * count as different, so a hostile deeply nested ticket cannot exhaust the stack.
 */
export function sameJson(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > 64) return false;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1))
      return false;
  }
  return true;
}
