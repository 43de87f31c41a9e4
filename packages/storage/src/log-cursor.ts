import { InvalidCursorError } from './errors.js';
import { parseSortKey } from './sort-key.js';

// Opaque to callers: base64url of a version tag and the sort key of the last entry returned.
const VERSION = 'v1:';

export function encodeCursor(member: string): string {
  return Buffer.from(VERSION + member, 'utf8').toString('base64url');
}

/** The sort key a cursor points at; `InvalidCursorError` for anything this storage did not produce. */
export function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const member = text.startsWith(VERSION) ? text.slice(VERSION.length) : '';
  if (!parseSortKey(member)) throw new InvalidCursorError(cursor);
  return member;
}
