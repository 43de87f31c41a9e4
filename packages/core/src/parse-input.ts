import type { z } from 'zod';
import { ValidationError } from './errors.js';

// Names and values in messages are clipped: a 100 KB header name must not come back in full.
export const clipText = (value: string, max: number) =>
  value.length > max ? `${value.slice(0, max)}…` : value;
export const clip = (value: string) => clipText(value, 40);

const MAX_DETAILS = 20;

/**
 * Parses with a schema, turning zod's issues into a `ValidationError` (422) whose `details` name
 * each field: how core's admin operations, and an extension's (`hookdesk.extend`), read a body.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // Clipped: zod repeats unknown keys in its messages, and a body may be up to the body limit.
  // At most 20: a body of 5,000 bad header names must not get an answer as long as itself.
  const details = result.error.issues.slice(0, MAX_DETAILS).map((issue) => ({
    path: clipText(issue.path.map((segment) => clip(String(segment))).join('.'), 200),
    message: clipText(issue.message, 500),
  }));
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid input';
  throw new ValidationError(`The ${what} is not valid. ${summary}`, details);
}
