import { keyRing } from '@hookdesk/receiver-sdk';

/** The example's environment (docs/examples.md, "examples/receiver"). */
export interface ReceiverConfig {
  /** `PORT`: port on 127.0.0.1; default 4000 (0 picks a free one). */
  port: number;
  /** `HOOKDESK_KEYS`: comma-separated keys it accepts, current first. Required. */
  keys: string[];
  /** `HOOKDESK_DEDUP_STORE`: a `redis://…` Keyv store URL for processed uuids; in memory without it. */
  dedupStoreUrl: string | undefined;
  /**
   * `HOOKDESK_ACCEPT_SHA1_ONLY=1`: also accept requests signed only with `X-Hookdesk-Signature`
   * (HappyFox-style senders). That signature covers no time: use it with a durable dedup store.
   */
  acceptSha1Only: boolean;
  /** `RECEIVER_LEASE_MS`: how long a claim lasts before a retry may take it over; default the SDK's 60 s. */
  leaseMs: number | undefined;
  /** `RECEIVER_HANDLER_DELAY_MS`: how long the handler takes, to watch copies get 409; default 0. */
  handlerDelayMs: number;
  /** `RECEIVER_FAIL_ONCE_TICKET`: a ticket id whose deliveries fail once each (500, then the retry passes). */
  failOnceTicketId: string | undefined;
}

/** Thrown for a missing or wrong variable; the message names it and says what to set. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv): ReceiverConfig {
  const keys = (env.HOOKDESK_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  if (keys.length === 0) {
    throw new ConfigError(
      'HOOKDESK_KEYS is required: set it to the webhook key(s) this receiver accepts, comma-separated, current first (e.g. HOOKDESK_KEYS=whsec_…).',
    );
  }
  try {
    keyRing(keys);
  } catch (error) {
    throw new ConfigError(
      `HOOKDESK_KEYS holds a key that is not a Hookdesk key: ${(error as Error).message}`,
    );
  }
  const dedupStoreUrl = env.HOOKDESK_DEDUP_STORE || undefined;
  if (dedupStoreUrl !== undefined && !/^rediss?:\/\//.test(dedupStoreUrl)) {
    throw new ConfigError(
      `HOOKDESK_DEDUP_STORE must be a redis:// or rediss:// URL (got ${JSON.stringify(dedupStoreUrl)}); leave it unset to keep processed uuids in memory.`,
    );
  }
  const sha1 = env.HOOKDESK_ACCEPT_SHA1_ONLY ?? '';
  if (!['', '0', '1'].includes(sha1)) {
    throw new ConfigError(
      `HOOKDESK_ACCEPT_SHA1_ONLY must be 1 (accept requests signed only with X-Hookdesk-Signature) or 0; got ${JSON.stringify(sha1)}.`,
    );
  }
  const lease = env.RECEIVER_LEASE_MS;
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    keys,
    dedupStoreUrl,
    acceptSha1Only: sha1 === '1',
    leaseMs:
      lease === undefined || lease === '' ? undefined : integer(env, 'RECEIVER_LEASE_MS', 0, 100, 3_600_000),
    handlerDelayMs: integer(env, 'RECEIVER_HANDLER_DELAY_MS', 0, 0, 60_000),
    failOnceTicketId: env.RECEIVER_FAIL_ONCE_TICKET || undefined,
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(raw)}.`);
  }
  return value;
}
