import { type AdminHandlerOptions, type AdminSource, createAdminHandler } from '@hookdesk/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Options of `hookdeskAdmin`: `authorize` receives the Express `req`. */
export type ExpressAdminOptions = AdminHandlerOptions<Request>;

function requestBody(req: Request) {
  // A host body parser ran before us (express.json(), express.raw(), express.text()): use what it
  // read. body-parser 1 (Express 4) flags it with `_body`; body-parser 2 (Express 5) only leaves
  // `req.body` set on a stream it has read to the end.
  const parsedByHost =
    (req as { _body?: boolean })._body === true || (req.body !== undefined && req.readableEnded);
  if (parsedByHost) {
    const body: unknown = req.body;
    return typeof body === 'string' || Buffer.isBuffer(body)
      ? ({ kind: 'bytes', value: body } as const)
      : ({ kind: 'parsed', value: body } as const);
  }
  return { kind: 'stream', stream: req } as const;
}

/**
 * The Hookdesk admin API (docs/admin-api.md) as Express middleware, at whatever path it is mounted.
 * @example app.use('/admin/webhooks', hookdeskAdmin(hookdesk, { authorize: (req) => isAdmin(req) }));
 */
export function hookdeskAdmin(hookdesk: AdminSource, options: ExpressAdminOptions): RequestHandler {
  const handle = createAdminHandler<Request>(hookdesk, options);
  return function hookdeskAdminMiddleware(req: Request, res: Response, next: NextFunction) {
    const queryAt = req.url.indexOf('?');
    handle({
      method: req.method,
      path: queryAt === -1 ? req.url : req.url.slice(0, queryAt),
      query: queryAt === -1 ? '' : req.url.slice(queryAt + 1),
      headers: req.headers,
      body: requestBody(req),
      origin: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      native: req,
    }).then((response) => {
      res.status(response.status).set(response.headers);
      if (response.body === null) res.end();
      else res.send(response.body);
    }, next);
  };
}
