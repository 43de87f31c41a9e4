import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSignedRequest, verify } from '../src/index.js';
import {
  OTHER_KEY,
  ticketCreated,
  WIRE_BODY,
  WIRE_KEY,
  WIRE_SHA1,
  WIRE_STANDARD,
  WIRE_TIMESTAMP,
} from './fixtures.js';

const SIGN_PY = fileURLToPath(new URL('./interop/sign.py', import.meta.url));

function signWithPython(key: string, id: string, timestamp: number, body: Buffer): Record<string, string> {
  const output = execFileSync('python3', [SIGN_PY, key, id, String(timestamp)], { input: body });
  return JSON.parse(output.toString('utf8'));
}

describe('interop: a Python script using only hmac signs, the SDK verifies', () => {
  it('reproduces the docs/wire.md worked example', () => {
    const headers = signWithPython(
      WIRE_KEY,
      '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d',
      WIRE_TIMESTAMP,
      Buffer.from(WIRE_BODY),
    );
    expect(headers).toEqual({ 'x-hookdesk-signature': WIRE_SHA1, 'webhook-signature': WIRE_STANDARD });
  });

  it('signs Unicode bodies the SDK verifies by either scheme', () => {
    const body = Buffer.from(
      JSON.stringify(
        ticketCreated({ uuid: 'py-1', ticket: { id: 1, subject: 'naïve ☃ 🚀 \u0000 "quoted"' } } as never),
      ),
    );
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = signWithPython(OTHER_KEY, 'py-1', timestamp, body);
    const sha1Only = { 'x-hookdesk-signature': signed['x-hookdesk-signature']! };
    expect(verify(body, sha1Only, [WIRE_KEY, OTHER_KEY], { acceptSha1Only: true }).uuid).toBe('py-1');
    const standardOnly = {
      'webhook-id': 'py-1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signed['webhook-signature']!,
    };
    const event = verify(body, standardOnly, [WIRE_KEY, OTHER_KEY]);
    if (event.event !== 'ticket.created') throw new Error('narrowing');
    expect(event.ticket.subject).toBe('naïve ☃ 🚀 \u0000 "quoted"');
  });
});

describe('interop: the SDK signs, the standardwebhooks npm package verifies', () => {
  it('verifies createSignedRequest output with each key as the secret', () => {
    const { body, headers } = createSignedRequest(ticketCreated(), [WIRE_KEY, OTHER_KEY]);
    for (const key of [WIRE_KEY, OTHER_KEY]) {
      const payload = new Webhook(key).verify(body.toString('utf8'), headers) as { event: string };
      expect(payload.event).toBe('ticket.created');
    }
  });

  it('is refused by standardwebhooks under a key it was not signed with', () => {
    const { body, headers } = createSignedRequest(ticketCreated(), [WIRE_KEY]);
    expect(() => new Webhook(OTHER_KEY).verify(body.toString('utf8'), headers)).toThrow(
      /No matching signature/,
    );
  });

  it('signs the worked example exactly', () => {
    const { headers } = createSignedRequest(Buffer.from(WIRE_BODY), WIRE_KEY, { timestamp: WIRE_TIMESTAMP });
    expect(headers['x-hookdesk-signature']).toBe(WIRE_SHA1);
    expect(headers['webhook-signature']).toBe(WIRE_STANDARD);
    expect(headers['x-hookdesk-uuid']).toBe('3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d');
  });
});
