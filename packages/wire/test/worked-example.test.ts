import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeEventBody, signedHeaders, signSha1, signStandard } from '../src/index.js';

// The worked example of docs/wire.md, byte for byte: receivers in other languages depend on it.
const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY =
  '{"uuid":"3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d","event":"ticket.updated","created_at":"2026-11-28T08:30:00.000Z","ticket":{"id":42,"subject":"Printer on fire ☃","status":"closed","priority":"urgent"},"changes":{"status":{"old":"open","new":"closed"}}}';
const TIMESTAMP = 1795854605;

describe('docs/wire.md worked example', () => {
  const body = Buffer.from(BODY, 'utf8');

  it('is 252 bytes', () => {
    expect(body.byteLength).toBe(252);
  });

  it('encodes the example body to the same bytes', () => {
    const encoded = encodeEventBody({
      event: 'ticket.updated',
      created_at: '2026-11-28T08:30:00.000Z',
      uuid: '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d',
      ticket: { id: 42, subject: 'Printer on fire ☃', status: 'closed', priority: 'urgent' },
      changes: { status: { old: 'open', new: 'closed' } },
    });
    expect(encoded.equals(body)).toBe(true);
  });

  it('signs X-Hookdesk-Signature as the contract says', () => {
    expect(signSha1(KEY, body)).toBe('sha1=f9d66d970356a639ad1d1446469283f0ab30e023');
  });

  it('signs webhook-signature as the contract says', () => {
    expect(signStandard(KEY, '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d', TIMESTAMP, body)).toBe(
      'v1,kJAsWGJZZiLKVZcNUKNj/22b/eubn594FwUA6vq3RUM=',
    );
  });

  it('puts every docs/wire.md header on a request', () => {
    const headers = signedHeaders({
      event: 'ticket.updated',
      uuid: '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d',
      attempt: 1,
      timestamp: TIMESTAMP,
      body,
      keys: [KEY],
      userAgent: 'hookdesk/0.0.0',
    });
    expect(headers).toEqual({
      'content-type': 'application/json',
      'content-length': '252',
      'user-agent': 'hookdesk/0.0.0',
      'x-hookdesk-event': 'ticket.updated',
      'x-hookdesk-uuid': '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d',
      'x-hookdesk-attempt': '1',
      'x-hookdesk-signature': 'sha1=f9d66d970356a639ad1d1446469283f0ab30e023',
      'webhook-id': '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d',
      'webhook-timestamp': String(TIMESTAMP),
      'webhook-signature': 'v1,kJAsWGJZZiLKVZcNUKNj/22b/eubn594FwUA6vq3RUM=',
    });
  });

  it('matches the example printed in docs/wire.md', () => {
    const doc = readFileSync(new URL('../../../docs/wire.md', import.meta.url), 'utf8');
    expect(doc).toContain(BODY);
    expect(doc).toContain('sha1=f9d66d970356a639ad1d1446469283f0ab30e023');
    expect(doc).toContain('v1,kJAsWGJZZiLKVZcNUKNj/22b/eubn594FwUA6vq3RUM=');
  });
});
