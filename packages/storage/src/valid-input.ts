import type { z } from 'zod';
import { passesQuickCheck } from './record-checks.js';
import { describeIssues } from './schemas.js';

/**
 * Checks a record before it is written, so nothing the reader would reject ever reaches the store.
 * A bad record is a bug in the caller, hence a `TypeError` naming what is wrong.
 */
export function validInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  if (passesQuickCheck(schema, value)) return value as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new TypeError(`Refusing to store an invalid ${what}: ${describeIssues(result.error)}.`);
  }
  return value as T;
}
