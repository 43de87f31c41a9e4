import { fileURLToPath } from 'node:url';
import { bearerToken } from '@hookdesk/core';
import {
  type ErrorAnswer,
  errorAnswer,
  exitGracefully,
  INTERNAL_ERROR_ANSWER,
  methodNotAllowedAnswer,
  notFoundAnswer,
  openHelpdesk,
  readExampleConfig,
  TICKET_BODY_LIMIT_BYTES,
} from '@hookdesk/example-helpdesk-common';
import { hookdeskAdmin } from '@hookdesk/koa';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';

const config = readExampleConfig(process.env, {
  port: 3001,
  dataDir: fileURLToPath(new URL('../.data', import.meta.url)),
});
const helpdesk = await openHelpdesk(config);
const { hookdesk, tickets } = helpdesk;

const app = new Koa();
const send = (ctx: Context, answer: ErrorAnswer) => {
  ctx.status = answer.status;
  ctx.set(answer.headers ?? {});
  ctx.body = answer.body;
};

app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    const answer = errorAnswer(error);
    if (!answer) console.error(error);
    send(ctx, answer ?? INTERNAL_ERROR_ANSWER);
    return;
  }
  // Nothing answered (no route), or the router's bare 405: JSON, as every other answer.
  if (ctx.body !== undefined && ctx.body !== null) return;
  if (ctx.status === 405)
    send(ctx, methodNotAllowedAnswer(ctx.method, ctx.path, String(ctx.response.get('Allow')).split(', ')));
  else if (ctx.status === 404) send(ctx, notFoundAnswer(ctx.method, ctx.path));
});

// Hookdesk's admin API, guarded by the admin token.
app.use(hookdeskAdmin(hookdesk, { prefix: '/admin/webhooks', authorize: bearerToken(config.adminToken) }));

// The helpdesk's own routes. The ticket service records each ticket's event with its write, through
// an outbox, so the 201/200 goes out only once Hookdesk holds the event (core's README, "Recording
// events: the host's side").
const router = new Router();
const json = bodyParser({ jsonLimit: TICKET_BODY_LIMIT_BYTES });
const noTicket = (id: string) => ({ error: { code: 'not_found', message: `There is no ticket ${id}.` } });

router.post('/api/tickets', json, async (ctx) => {
  ctx.status = 201;
  ctx.body = await tickets.create(ctx.request.body);
});

router.patch('/api/tickets/:id', json, async (ctx) => {
  const change = await tickets.update(ctx.params.id!, ctx.request.body);
  ctx.status = change ? 200 : 404;
  ctx.body = change ? change.ticket : noTicket(ctx.params.id!);
});

router.get('/api/tickets/:id', async (ctx) => {
  const ticket = await tickets.get(ctx.params.id!);
  ctx.status = ticket ? 200 : 404;
  ctx.body = ticket ?? noTicket(ctx.params.id!);
});

app.use(router.routes());
app.use(router.allowedMethods());

const server = app.listen(config.port, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.adminTokenGenerated)
    console.log(`admin token (set HOOKDESK_ADMIN_TOKEN to keep one): ${config.adminToken}`);
  console.log(`admin API: http://127.0.0.1:${port}/admin/webhooks/api/settings`);
  console.log(`listening on http://127.0.0.1:${port}`);
});
exitGracefully(server, helpdesk.close);
