import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('readConfig', () => {
  it('applies the docs/examples.md defaults', () => {
    expect(readConfig({ HOOKDESK_KEYS: ` ${KEY} ,` })).toEqual({
      port: 4000,
      keys: [KEY],
      dedupStoreUrl: undefined,
      acceptSha1Only: false,
      leaseMs: undefined,
      handlerDelayMs: 0,
      failOnceTicketId: undefined,
    });
  });

  it('reads every variable', () => {
    expect(
      readConfig({
        PORT: '0',
        HOOKDESK_KEYS: `${KEY},${KEY}`,
        HOOKDESK_DEDUP_STORE: 'redis://127.0.0.1:6379/2',
        HOOKDESK_ACCEPT_SHA1_ONLY: '1',
        RECEIVER_LEASE_MS: '2000',
        RECEIVER_HANDLER_DELAY_MS: '250',
        RECEIVER_FAIL_ONCE_TICKET: '13',
      }),
    ).toEqual({
      port: 0,
      keys: [KEY, KEY],
      dedupStoreUrl: 'redis://127.0.0.1:6379/2',
      acceptSha1Only: true,
      leaseMs: 2000,
      handlerDelayMs: 250,
      failOnceTicketId: '13',
    });
  });

  it.each([
    [{}, 'HOOKDESK_KEYS is required: set it to the webhook key(s) this receiver accepts'],
    [{ HOOKDESK_KEYS: ' , ' }, 'HOOKDESK_KEYS is required'],
    [{ HOOKDESK_KEYS: 'secret' }, 'HOOKDESK_KEYS holds a key that is not a Hookdesk key: `keys[0]`'],
    [
      { HOOKDESK_KEYS: KEY, HOOKDESK_DEDUP_STORE: 'postgres://localhost/db' },
      'HOOKDESK_DEDUP_STORE must be a redis:// or rediss:// URL (got "postgres://localhost/db")',
    ],
    [{ HOOKDESK_KEYS: KEY, PORT: '70000' }, 'PORT must be an integer from 0 to 65535; got "70000".'],
    [
      { HOOKDESK_KEYS: KEY, HOOKDESK_ACCEPT_SHA1_ONLY: 'true' },
      'HOOKDESK_ACCEPT_SHA1_ONLY must be 1 (accept requests signed only with X-Hookdesk-Signature) or 0; got "true".',
    ],
    [
      { HOOKDESK_KEYS: KEY, RECEIVER_LEASE_MS: '5' },
      'RECEIVER_LEASE_MS must be an integer from 100 to 3600000',
    ],
    [
      { HOOKDESK_KEYS: KEY, RECEIVER_HANDLER_DELAY_MS: 'soon' },
      'RECEIVER_HANDLER_DELAY_MS must be an integer',
    ],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });
});
