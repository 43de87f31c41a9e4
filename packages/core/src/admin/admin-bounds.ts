import { z } from 'zod';
import { ValidationError } from '../errors.js';

/**
 * Longest id the admin API takes in a path, a query or a body. Hookdesk's own ids are 36-character
 * uuids; 200 matches `eventId` and keeps every storage key far below lmdb's 1,978-byte limit even
 * at 3 UTF-8 bytes a character.
 */
export const MAX_ID_LENGTH = 200;

/** Longest log cursor: the ones Hookdesk makes are under 100 characters. */
export const MAX_CURSOR_LENGTH = 500;

/** A non-empty id of at most `MAX_ID_LENGTH` characters; the messages name `field`, never echo the value. */
export const idSchema = (field: string) =>
  z
    .string({ error: `${field} is a string: the id as the admin API listed it.` })
    .min(1, `${field} may not be empty.`)
    .max(MAX_ID_LENGTH, `${field} is at most ${MAX_ID_LENGTH} characters long; copy the id as listed.`);

/** Refuses a path parameter over the bound before it reaches storage (the message does not repeat it). */
export function assertPathIds(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    if (value.length <= MAX_ID_LENGTH) continue;
    const message = `The ${name} in the path has ${value.length} characters; Hookdesk ids have at most ${MAX_ID_LENGTH}. Copy the ${name} as the admin API listed it.`;
    throw new ValidationError(message, [{ path: name, message }]);
  }
}
