import { type EventBody, encodeEventBody, isEventType, signedHeaders } from '@hookdesk/wire';

export interface SignedRequestOptions {
  /**
   * `X-Hookdesk-Attempt`.
   * @default 1
   */
  attempt?: number;
  /**
   * `webhook-timestamp`, Unix seconds.
   * @default now
   */
  timestamp?: number;
  /**
   * `User-Agent`.
   * @default 'hookdesk/test'
   */
  userAgent?: string;
}

/** A request body and the headers a Hookdesk sender would put on it. */
export interface SignedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * Signs a delivery as a Hookdesk sender does (both signature headers), for testing your receiver.
 * An object body is serialized once; bytes are signed as given.
 * @example
 * const { body, headers } = createSignedRequest({ uuid, event: 'webhook.test', created_at, webhook }, [key]);
 * await fetch('http://127.0.0.1:4000/webhooks', { method: 'POST', body, headers });
 */
export function createSignedRequest(
  body: EventBody | Uint8Array,
  keys: string | readonly string[],
  options: SignedRequestOptions = {},
): SignedRequest {
  const bytes = body instanceof Uint8Array ? Buffer.from(body) : encodeEventBody(body);
  const { uuid, event } = body instanceof Uint8Array ? identify(bytes) : body;
  return {
    body: bytes,
    headers: signedHeaders({
      event,
      uuid,
      attempt: options.attempt ?? 1,
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
      body: bytes,
      keys: typeof keys === 'string' ? [keys] : keys,
      userAgent: options.userAgent ?? 'hookdesk/test',
    }),
  };
}

// Raw bytes under test may be anything: headers still need a uuid and an event name.
function identify(bytes: Buffer): Pick<EventBody, 'uuid' | 'event'> {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { uuid?: unknown; event?: unknown };
    return {
      uuid: typeof parsed.uuid === 'string' ? parsed.uuid : 'unknown',
      event: isEventType(parsed.event) ? parsed.event : 'webhook.test',
    };
  } catch {
    return { uuid: 'unknown', event: 'webhook.test' };
  }
}
