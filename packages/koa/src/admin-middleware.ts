import { type AdminHandlerOptions, type AdminSource, createAdminHandler } from '@hookdesk/core';
import type { Context, Middleware, Next } from 'koa';

/** Options of `hookdeskAdmin`: `authorize` receives the Koa `ctx`. */
export type KoaAdminOptions = AdminHandlerOptions<Context> & {
  /** Where the admin API is mounted, e.g. `/admin/webhooks`; requests outside it go to `next`. */
  prefix: string;
};

function requestBody(ctx: Context) {
  // A host body parser (koa-bodyparser, @koa/bodyparser, koa-body) ran before us: use what it read.
  const request = ctx.request as { body?: unknown; rawBody?: unknown };
  if (typeof request.rawBody === 'string') return { kind: 'bytes', value: request.rawBody } as const;
  if (request.body !== undefined) return { kind: 'parsed', value: request.body } as const;
  return { kind: 'stream', stream: ctx.req } as const;
}

function normalizePrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) {
    throw new TypeError(
      '`prefix` must be the path the admin API is mounted at, starting with "/", e.g. "/admin/webhooks".',
    );
  }
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

/**
 * The Hookdesk admin API (docs/admin-api.md) as Koa middleware, serving the paths below `prefix`.
 * @example app.use(hookdeskAdmin(hookdesk, { prefix: '/admin/webhooks', authorize: (ctx) => isAdmin(ctx) }));
 */
export function hookdeskAdmin(hookdesk: AdminSource, options: KoaAdminOptions): Middleware {
  const prefix = normalizePrefix(options?.prefix);
  const handle = createAdminHandler<Context>(hookdesk, options);
  return async function hookdeskAdminMiddleware(ctx: Context, next: Next) {
    const inside = ctx.path === prefix || ctx.path.startsWith(`${prefix}/`);
    if (!inside) return next();
    const response = await handle({
      method: ctx.method,
      path: ctx.path.slice(prefix.length) || '/',
      query: ctx.querystring,
      headers: ctx.headers,
      body: requestBody(ctx),
      // Not `ctx.origin`: Koa 3 answers the request's Origin header there, not the address it reached.
      origin: `${ctx.protocol}://${ctx.host}`,
      native: ctx,
    });
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
  };
}
