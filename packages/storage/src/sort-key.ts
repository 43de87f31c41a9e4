// Members of time-ordered sets are `<epoch ms, 13 digits>:<id>`: byte order is time order (until
// the year 2286), and the id breaks ties, so every backend's lexicographic range is a time range.
const WIDTH = 13;
const MAX_MS = 10 ** WIDTH - 1;

/** The 13-digit, zero-padded form of an epoch-ms time; also a range bound (`"<ms>"` < `"<ms>:…"`). */
export function timePrefix(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_MS) {
    throw new RangeError(`Time ${ms} is outside the range storage can order (0 to ${MAX_MS} epoch ms).`);
  }
  return String(ms).padStart(WIDTH, '0');
}

export function sortKey(ms: number, id: string): string {
  return `${timePrefix(ms)}:${id}`;
}

const SORT_KEY = /^(\d{13}):(.+)$/s;

/** The time and id of a member, or `undefined` when it is not a sort key. */
export function parseSortKey(member: string): { ms: number; id: string } | undefined {
  const match = SORT_KEY.exec(member);
  if (!match) return undefined;
  return { ms: Number(match[1]), id: match[2]! };
}

/** Epoch ms of an ISO 8601 time; a `TypeError` naming the option when it is not one. */
export function isoToMs(value: string, option: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`\`${option}\` must be an ISO 8601 time, got "${value}".`);
  return ms;
}

/**
 * The lowest bound above `member` that no other member falls under: members hold no character
 * at or below a space (sort keys, uuids, URI-encoded ids). Not `\u0000`, which PostgreSQL text
 * refuses, nor another control character, which lmdb's key encoding treats specially.
 */
export function justAfter(member: string): string {
  return `${member} `;
}
