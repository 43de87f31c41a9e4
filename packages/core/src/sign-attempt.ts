import type { DeliveryRecord, SettingsRecord, WebhookRecord } from '@hookdesk/storage';
import { signedHeaders } from '@hookdesk/wire';
import { signingKeys } from './key-ring.js';
import { USER_AGENT } from './version.js';

export interface SignedAttempt {
  body: Buffer;
  /** The webhook's custom headers, then the signed ones (which win). */
  headers: Record<string, string>;
}

/** The request of attempt `number` of `record`, signed at `atMs` with every key that signs now. */
export function signAttempt(
  record: DeliveryRecord,
  webhook: WebhookRecord | undefined,
  settings: SettingsRecord,
  number: number,
  atMs: number,
): SignedAttempt {
  const body = Buffer.from(record.body, 'utf8');
  const headers = {
    ...webhook?.headers,
    ...signedHeaders({
      event: record.event,
      uuid: record.uuid,
      attempt: number,
      timestamp: Math.floor(atMs / 1000),
      body,
      keys: signingKeys(webhook, settings, atMs),
      userAgent: USER_AGENT,
    }),
  };
  return { body, headers };
}
