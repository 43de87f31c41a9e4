const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `500ms`, `5s`, `1m`, `2h` or `1d` (a bare number is milliseconds).
 * Throws an error naming `what` and the accepted forms when the text is not one.
 */
export function parseDuration(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) {
    throw new Error(`${what}: "${text}" is not a duration. Write it like 500ms, 5s, 1m, 2h or 1d.`);
  }
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']!);
}

/** Parses a comma-separated list of durations, e.g. `1s,2s,5s`. */
export function parseDurationList(text: string, what: string): number[] {
  const parts = text.split(',').filter((part) => part.trim() !== '');
  if (parts.length === 0)
    throw new Error(`${what} is empty: list the delays after the first attempt, e.g. 1s,2s,5s.`);
  return parts.map((part) => parseDuration(part, what));
}
