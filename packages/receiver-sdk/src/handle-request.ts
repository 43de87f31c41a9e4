import { isJsonContentType } from './content-type.js';
import { WebhookVerificationError } from './errors.js';
import type { HookdeskEvent } from './event.js';
import { type HeadersInput, headerValue } from './header-value.js';
import { DedupUnavailableError, HandlerError, type ProcessOutcome } from './process-event.js';
import { bodyTooLarge } from './verify.js';

/** A request as the framework helpers hand it over. */
export interface ReceiverRequest {
  /** HTTP method; anything but POST is answered 405. */
  method?: string | undefined;
  headers: HeadersInput;
  /**
   * Reads the whole body; must throw `bodyTooLarge(maxBytes)` (413) as soon as it passes `maxBytes`,
   * and should throw `bodyTimeout(timeoutMs)` (408) when it has not ended within `timeoutMs`.
   */
  readBody(maxBytes: number, timeoutMs: number): Promise<Uint8Array>;
}

/** The answer for the framework to send. */
export interface ReceiverResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** What `handle` works with, resolved once by `createReceiver`. */
export interface HandleSettings {
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly verify: (rawBody: Uint8Array, headers: HeadersInput) => HookdeskEvent;
  readonly process: (event: HookdeskEvent) => Promise<ProcessOutcome>;
  readonly onError: (error: unknown, event: HookdeskEvent | undefined) => void;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A receiver's `handle`: the whole request → response flow, with every answer decided here. */
export function createHandle(
  settings: HandleSettings,
): (request: ReceiverRequest) => Promise<ReceiverResponse> {
  const { maxBodyBytes, bodyTimeoutMs, verify, process, onError } = settings;

  return async function handle(request) {
    let event: HookdeskEvent | undefined;
    try {
      if (request.method !== undefined && request.method.toUpperCase() !== 'POST') {
        throw new WebhookVerificationError(
          'method_not_allowed',
          `Hookdesk delivers with POST; this request used ${request.method}.`,
        );
      }
      const contentType = headerValue(request.headers, 'content-type');
      if (!isJsonContentType(contentType)) {
        throw new WebhookVerificationError(
          'unsupported_media_type',
          `A Hookdesk delivery is application/json; this request's Content-Type is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}.`,
        );
      }
      const declaredLength = Number(headerValue(request.headers, 'content-length'));
      if (declaredLength > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
      const rawBody = await request.readBody(maxBodyBytes, bodyTimeoutMs);
      event = verify(rawBody, request.headers);
      const outcome = await process(event);
      if (outcome === 'in_progress') {
        return answer(409, {
          error: 'in_progress',
          message: 'This delivery is being processed by another request: retry later.',
        });
      }
      return answer(200, { status: outcome });
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        const response = answer(error.status, { error: error.code, message: error.message });
        if (error.code === 'method_not_allowed') response.headers.allow = 'POST';
        // The rest of the body may never come: Node closes a connection answered `close` once sent.
        if (error.code === 'body_timeout') response.headers.connection = 'close';
        if (error.code === 'raw_body_unavailable') onError(error, event);
        return response;
      }
      onError(error, event);
      if (error instanceof HandlerError) {
        return answer(500, {
          error: error.code,
          message: 'The handler failed; the delivery was released, so a retry is processed.',
        });
      }
      if (error instanceof DedupUnavailableError) {
        return answer(503, {
          error: error.code,
          message: 'The dedup store failed before the handler ran: retry later.',
        });
      }
      return answer(500, { error: 'internal_error', message: 'The receiver failed: retry later.' });
    }
  };
}

function answer(status: number, body: object): ReceiverResponse {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}
