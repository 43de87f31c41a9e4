import { keyProblem, RESERVED_HEADERS, WEBHOOK_EVENT_TYPES } from '@hookdesk/wire';
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { targetUrlSchema } from './target-url-schema.js';

// RFC 9110 token: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// No CR/LF/NUL in a value, so a custom header can never smuggle another header.
const HEADER_VALUE = /^[^\r\n\0]*$/;

const url = targetUrlSchema;

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `Events are ${WEBHOOK_EVENT_TYPES.join(' and ')}.` }))
  .min(1, 'Choose at least one event.')
  .transform((list) => [...new Set(list)]);

const text = (max: number) =>
  z
    .string()
    .max(max, `At most ${max} characters.`)
    .nullable()
    .transform((v) => (v === null || v.trim() === '' ? null : v.trim()));

const headers = z.record(z.string(), z.string()).transform((input, ctx) => {
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(input)) {
    const name = rawName.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      ctx.addIssue({ code: 'custom', path: [rawName], message: `"${rawName}" is not a valid header name.` });
    } else if (RESERVED_HEADERS.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [rawName],
        message: `"${rawName}" is set by Hookdesk itself; choose another header name.`,
      });
    } else if (!HEADER_VALUE.test(value)) {
      ctx.addIssue({
        code: 'custom',
        path: [rawName],
        message: 'A header value may not contain line breaks.',
      });
    } else {
      out[name] = value;
    }
  }
  return out;
});

const key = z.union([z.literal('generate'), z.null(), z.string()]).superRefine((value, ctx) => {
  if (typeof value === 'string' && value !== 'generate') {
    const problem = keyProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} Or send "generate" for a new key.` });
  }
});

/** Body of "create a webhook" (ADMIN-API.md, "Webhook"); `key` is write-only. */
export const webhookCreateSchema = z.strictObject({
  url,
  events,
  active: z.boolean().default(true),
  name: text(200).default(null),
  description: text(2000).default(null),
  headers: headers.default({}),
  key: key.default(null),
});

/** Body of a webhook PATCH: any field of the create body. */
export const webhookPatchSchema = z.strictObject({
  url: url.optional(),
  events: events.optional(),
  active: z.boolean().optional(),
  name: text(200).optional(),
  description: text(2000).optional(),
  headers: headers.optional(),
  key: key.optional(),
});

export type WebhookCreateInput = z.input<typeof webhookCreateSchema>;
export type WebhookPatchInput = z.input<typeof webhookPatchSchema>;

/** Parses with a schema, turning zod's issues into a `ValidationError` whose `details` name each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid input';
  throw new ValidationError(`The ${what} is not valid. ${summary}`, details);
}
