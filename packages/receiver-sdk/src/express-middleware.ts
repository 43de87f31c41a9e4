import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebhookVerificationError } from './errors.js';
import { sendNodeResponse } from './node-handler.js';
import { readNodeBody } from './read-node-body.js';
import { type ReceiverInput, toReceiver } from './receiver-input.js';

/** An Express request as far as the middleware reads it. */
export type ExpressRequestLike = IncomingMessage & { body?: unknown; rawBody?: unknown };

/**
 * Keeps the exact bytes when `express.json()` runs before the Hookdesk route:
 * `app.use(express.json({ verify: captureRawBody }))`. Sets `req.rawBody`.
 */
export function captureRawBody(req: IncomingMessage, _res: ServerResponse, buffer: Buffer): void {
  (req as ExpressRequestLike).rawBody = buffer;
}

/**
 * Express middleware (Express 4 and 5) that answers Hookdesk deliveries. It reads the raw body
 * itself; mount it before `express.json()`, or add `verify: captureRawBody` to `express.json()`.
 * @example
 * app.post('/webhooks', expressReceiver({ keys, handler: async (event) => {} }));
 */
export function expressReceiver(
  input: ReceiverInput,
): (req: ExpressRequestLike, res: ServerResponse, next: (error?: unknown) => void) => void {
  const receiver = toReceiver(input);
  return function hookdeskReceiverMiddleware(req, res, next) {
    receiver
      .handle({
        method: req.method,
        headers: req.headers,
        readBody: (maxBytes, timeoutMs) => expressBody(req, maxBytes, timeoutMs),
      })
      .then((response) => sendNodeResponse(res, response), next);
  };
}

function expressBody(req: ExpressRequestLike, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.rawBody)) return Promise.resolve(req.rawBody);
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body);
  if (req.readableEnded || req.body !== undefined) {
    return Promise.reject(
      new WebhookVerificationError(
        'raw_body_unavailable',
        'A body parser (express.json()?) read the request before the Hookdesk middleware, and the signature needs the exact bytes: ' +
          'mount the Hookdesk route before express.json(), or use express.json({ verify: captureRawBody }) with captureRawBody from @hookdesk/receiver-sdk.',
      ),
    );
  }
  return readNodeBody(req, maxBytes, timeoutMs);
}
