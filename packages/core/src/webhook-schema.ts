import { keyProblem, RESERVED_HEADERS, WEBHOOK_EVENT_TYPES } from '@hookdesk/wire';
import { z } from 'zod';
import { clip } from './parse-input.js';
import { targetUrlSchema } from './target-url-schema.js';

// RFC 9110 token: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, spaces and tabs (docs/admin-api.md, "Webhook"): no CR/LF/NUL, so a custom header can
// never smuggle another, and nothing outside Latin-1 that Node refuses at send time (every attempt
// would fail with "invalid header"), nor Latin-1 bytes that receivers decode differently.
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Longest webhook `url`, in characters (docs/admin-api.md, "Webhook"). */
export const MAX_URL_LENGTH = 2048;
/**
 * Most bytes all custom headers of a webhook take on the wire, each counted as `name: value` and
 * its CRLF. With the URL and Hookdesk's own headers this stays under the 8 KiB many servers allow.
 */
export const MAX_HEADER_BYTES = 4096;

const url = z
  .string({ error: 'Enter the URL to call, such as https://example.com/hooks.' })
  .max(MAX_URL_LENGTH, `The URL is at most ${MAX_URL_LENGTH} characters long.`)
  .pipe(targetUrlSchema);

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

const headers = z
  .record(z.string(), z.string({ error: 'A header value is a string.' }), {
    error: 'headers is an object of header names and string values, such as { "X-Team": "support" }.',
  })
  .transform((input, ctx) => {
    const out: Record<string, string> = {};
    let bytes = 0;
    for (const [rawName, value] of Object.entries(input)) {
      const name = rawName.toLowerCase();
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [clip(rawName)],
          message: `"${clip(rawName)}" is not a valid header name: use letters, digits and - _ . ! # $ % & ' * + ^ \` | ~ only.`,
        });
      } else if (RESERVED_HEADERS.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [clip(rawName)],
          message: `"${clip(rawName)}" is set by Hookdesk itself; choose another header name.`,
        });
      } else if (!HEADER_VALUE.test(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [clip(rawName)],
          message:
            'A header value may hold visible ASCII characters, spaces and tabs only: no line breaks, no accents or other non-ASCII text.',
        });
      } else {
        out[name] = value;
      }
    }
    if (bytes > MAX_HEADER_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `The custom headers take ${bytes} bytes together; at most ${MAX_HEADER_BYTES} are allowed.`,
      });
    }
    return out;
  });

const key = z
  .union([z.literal('generate'), z.null(), z.string()], {
    error:
      'key is a string (a whsec_ key, or "generate" for a new one), or null to sign with the account key.',
  })
  .superRefine((value, ctx) => {
    if (typeof value === 'string' && value !== 'generate') {
      const problem = keyProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem} Or send "generate" for a new key.` });
    }
  });

/** Body of "create a webhook" (docs/admin-api.md, "Webhook"); `key` is write-only. */
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
