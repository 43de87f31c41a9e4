import type { IncomingMessage } from 'node:http';
import { WebhookVerificationError } from './errors.js';
import { readNodeBody } from './read-node-body.js';
import { type ReceiverInput, toReceiver } from './receiver-input.js';

/** A Koa context as far as the middleware uses it. */
export interface KoaContextLike {
  req: IncomingMessage;
  request: { body?: unknown; rawBody?: unknown };
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

/**
 * Koa middleware that answers Hookdesk deliveries; it reads the raw body itself, so mount it on
 * its route before any body parser (or let `koa-bodyparser` keep `ctx.request.rawBody`).
 * @example
 * router.post('/webhooks', koaReceiver({ keys, handler: async (event) => {} }));
 */
export function koaReceiver(input: ReceiverInput): (ctx: KoaContextLike) => Promise<void> {
  const receiver = toReceiver(input);
  return async function hookdeskReceiverMiddleware(ctx) {
    const response = await receiver.handle({
      method: ctx.req.method,
      headers: ctx.req.headers,
      readBody: (maxBytes, timeoutMs) => koaBody(ctx, maxBytes, timeoutMs),
    });
    ctx.status = response.status;
    // Headers first: Koa keeps a Content-Type already set when the body is a string.
    ctx.set(response.headers);
    ctx.body = response.body;
  };
}

function koaBody(ctx: KoaContextLike, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const { rawBody, body } = ctx.request;
  if (Buffer.isBuffer(rawBody)) return Promise.resolve(rawBody);
  // koa-bodyparser keeps the raw text: its UTF-8 bytes are the bytes received.
  if (typeof rawBody === 'string') return Promise.resolve(Buffer.from(rawBody, 'utf8'));
  if (ctx.req.readableEnded || body !== undefined) {
    return Promise.reject(
      new WebhookVerificationError(
        'raw_body_unavailable',
        'A body parser read the request before the Hookdesk middleware, and the signature needs the exact bytes: ' +
          'mount the Hookdesk route before the body parser, or use a parser that keeps ctx.request.rawBody.',
      ),
    );
  }
  return readNodeBody(ctx.req, maxBytes, timeoutMs);
}
