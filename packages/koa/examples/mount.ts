import { bearerToken, createHookdesk } from '@hookdesk/core';
import { emitTicketEvent, hookdeskAdmin } from '@hookdesk/koa';
import { createStorage } from '@hookdesk/storage';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';

export async function createHelpdeskApp({
  adminToken = '',
  dataDir = '.data',
  allowPrivateNetworks = false,
}) {
  const storage = await createStorage({ path: dataDir }); // the embedded store
  const hookdesk = createHookdesk({ storage, allowPrivateNetworks }); // true lets webhooks reach localhost
  const app = new Koa();

  // The admin API (docs/admin-api.md) below `prefix`, guarded by your own check: here a bearer token.
  app.use(hookdeskAdmin(hookdesk, { prefix: '/admin/webhooks', authorize: bearerToken(adminToken) }));

  // Your ticket routes: the middleware reports the event once the route answers 2xx.
  const router = new Router();
  router.post(
    '/api/tickets',
    bodyParser(),
    emitTicketEvent(hookdesk, 'ticket.created', (ctx) => ctx.body as Record<string, unknown>),
    (ctx) => {
      ctx.status = 201;
      ctx.body = { id: Date.now(), ...(ctx.request.body as object) };
    },
  );
  app.use(router.routes());

  return { app, hookdesk, storage };
}
