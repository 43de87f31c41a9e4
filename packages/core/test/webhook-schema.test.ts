import { generateKey } from '@hookdesk/wire';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { parseInput } from '../src/parse-input.js';
import { webhookCreateSchema, webhookPatchSchema } from '../src/webhook-schema.js';

const VALUE_RULE =
  'A header value may hold visible ASCII characters, spaces and tabs only: no line breaks, no accents or other non-ASCII text.';

const create = (input: unknown) => parseInput(webhookCreateSchema, input, 'webhook');

function problems(input: unknown): string[] {
  try {
    create(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(422);
    return (error as ValidationError).details.map((d) => `${d.path}: ${d.message}`);
  }
  throw new Error('expected a ValidationError');
}

describe('webhookCreateSchema', () => {
  it('fills defaults, lowercases header names and drops duplicate events', () => {
    expect(
      create({
        url: 'https://example.com/h',
        events: ['ticket.created', 'ticket.created'],
        headers: { 'X-Team': 'a' },
      }),
    ).toEqual({
      url: 'https://example.com/h',
      events: ['ticket.created'],
      active: true,
      name: null,
      description: null,
      headers: { 'x-team': 'a' },
      key: null,
    });
  });

  it('accepts "generate", a valid key and null', () => {
    const key = generateKey();
    expect(create({ url: 'http://e.com', events: ['ticket.updated'], key }).key).toBe(key);
    expect(create({ url: 'http://e.com', events: ['ticket.updated'], key: 'generate' }).key).toBe('generate');
    expect(create({ url: 'http://e.com', events: ['ticket.updated'], key: null }).key).toBeNull();
  });

  it.each([
    [
      { url: 'ftp://e.com', events: ['ticket.created'] },
      'url: The URL must start with http:// or https://, not ftp://.',
    ],
    [
      { url: 'not a url', events: ['ticket.created'] },
      'url: Enter a full URL such as https://example.com/hooks.',
    ],
    [
      { url: 'https://u:p@e.com', events: ['ticket.created'] },
      'url: Put credentials in a custom header, not in the URL.',
    ],
    [{ url: 'https://e.com', events: [] }, 'events: Choose at least one event.'],
    [
      { url: 'https://e.com', events: ['ticket.deleted'] },
      'events.0: Events are ticket.created and ticket.updated.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { Host: 'x' } },
      'headers.Host: "Host" is set by Hookdesk itself; choose another header name.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'X-Hookdesk-Signature': 'x' } },
      'headers.X-Hookdesk-Signature: "X-Hookdesk-Signature" is set by Hookdesk itself; choose another header name.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'webhook-signature': 'x' } },
      'headers.webhook-signature: "webhook-signature" is set by Hookdesk itself; choose another header name.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'bad name': 'x' } },
      'headers.bad name: "bad name" is not a valid header name: use letters, digits and - _ . ! # $ % & \' * + ^ ` | ~ only.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'x-a': 'a\r\nx-b: b' } },
      `headers.x-a: ${VALUE_RULE}`,
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'x-a': 'a\0b' } },
      `headers.x-a: ${VALUE_RULE}`,
    ],
    // Node refuses these at send time ("invalid x-a header"): a webhook that could never deliver.
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'x-a': 'é€' } },
      `headers.x-a: ${VALUE_RULE}`,
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'x-a': 'café' } },
      `headers.x-a: ${VALUE_RULE}`,
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], headers: { 'x-a': 5 } },
      'headers.x-a: A header value is a string.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], key: 5 },
      'key: key is a string (a whsec_ key, or "generate" for a new one), or null to sign with the account key.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], key: 'whsec_dG9vIHNob3J0' },
      'key: A key must hold 24 to 64 bytes after `whsec_`; this one holds 9. Or send "generate" for a new key.',
    ],
    [
      { url: 'https://e.com', events: ['ticket.created'], key: 'secret' },
      'key: A Hookdesk key starts with `whsec_`: use a key from generateKey() or the admin page. Or send "generate" for a new key.',
    ],
    [{ url: 'https://e.com', events: ['ticket.created'], secret: 1 }, ': Unrecognized key: "secret"'],
  ])('%j → %s', (input, expected) => {
    expect(problems(input)).toEqual([expected]);
  });

  it('puts the first problem in the message', () => {
    expect(() => create({ url: 'https://e.com', events: [] })).toThrow(
      'The webhook is not valid. events: Choose at least one event.',
    );
  });
});

describe('webhook bounds', () => {
  it('takes a URL and custom headers right at the bounds, with spaces and tabs in values', () => {
    const url = `https://e.com/${'a'.repeat(2048 - 'https://e.com/'.length)}`;
    // 4 headers of 1,024 bytes each on the wire: name + ": " + value + CRLF.
    const headers = Object.fromEntries(
      Array.from({ length: 4 }, (_, i) => [`x-h${i}`, `Bearer\t a ${'v'.repeat(1024 - 4 - 4 - 10)}`]),
    );
    const parsed = create({ url, events: ['ticket.created'], headers });
    expect(parsed.url).toBe(url);
    expect(Object.keys(parsed.headers)).toHaveLength(4);
    expect(problems({ url: `https://e.com/${'a'.repeat(100_000)}`, events: ['ticket.created'] })).toEqual([
      'url: The URL is at most 2048 characters long.',
    ]);
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h${i}`, 'v'.repeat(1000)]));
    expect(problems({ url, events: ['ticket.created'], headers: many })).toEqual([
      'headers: The custom headers take 504890 bytes together; at most 4096 are allowed.',
    ]);
    // 5,000 bad names: 20 problems listed, not an answer as long as the input.
    const bad = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`bad name ${i}`, 'v']));
    expect(problems({ url, events: ['ticket.created'], headers: bad })).toHaveLength(20);
    // A long bad name comes back clipped, not in full.
    expect(problems({ url, events: ['ticket.created'], headers: { ['é'.repeat(100)]: 'x' } })).toEqual([
      `headers.${'é'.repeat(40)}…: "${'é'.repeat(40)}…" is not a valid header name: use letters, digits and - _ . ! # $ % & ' * + ^ \` | ~ only.`,
    ]);
    expect(problems({ url: `${url}a`, events: ['ticket.created'] })).toEqual([
      'url: The URL is at most 2048 characters long.',
    ]);
    expect(
      problems({ url, events: ['ticket.created'], headers: { ...headers, 'x-h0': `${headers['x-h0']}v` } }),
    ).toEqual(['headers: The custom headers take 4097 bytes together; at most 4096 are allowed.']);
  });
});

describe('webhookPatchSchema', () => {
  it('takes any subset and validates what is there', () => {
    expect(parseInput(webhookPatchSchema, { active: false }, 'change')).toEqual({ active: false });
    expect(() => parseInput(webhookPatchSchema, { events: [] }, 'change')).toThrow(ValidationError);
  });
});
