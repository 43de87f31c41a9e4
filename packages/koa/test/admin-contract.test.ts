import type { AddressInfo } from 'node:net';
import { adminContractSuite, createContractHookdesk } from '@hookdesk/admin-contract';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emitTicketEvent, hookdeskAdmin } from '../src/index.js';

adminContractSuite(
  { describe, it, expect, beforeEach, afterEach },
  {
    name: 'koa',
    async start(options) {
      const app = new Koa();
      app.use(async (ctx, next) => {
        try {
          await next();
        } catch {
          ctx.status = 500;
          ctx.body = { host: 'error' };
        }
      });
      if (options.hostJsonParser) app.use(bodyParser());
      app.use(
        hookdeskAdmin(options.engine as never, {
          prefix: options.mountPath,
          authorize: options.authorize as never,
          insecure: options.insecure,
          bodyLimit: options.bodyLimit,
        }),
      );
      const hookOptions = { onError: options.onTicketEventError };
      const router = new Router();
      router.post(
        '/tickets/explode',
        emitTicketEvent(options.engine, 'ticket.created', (ctx) => ctx.body as never, hookOptions),
        () => {
          throw new Error('host route failed');
        },
      );
      router.post(
        '/tickets',
        bodyParser(),
        emitTicketEvent(options.engine, 'ticket.created', (ctx) => ctx.body as never, hookOptions),
        (ctx) => {
          ctx.status = Number(ctx.query.status);
          ctx.body = ctx.request.body;
        },
      );
      router.patch(
        '/tickets/:id',
        bodyParser(),
        emitTicketEvent(
          options.engine,
          'ticket.updated',
          (ctx) => ({ ticket: ctx.body as never, previous: { id: Number(ctx.params.id), status: 'open' } }),
          hookOptions,
        ),
        (ctx) => {
          ctx.status = Number(ctx.query.status);
          ctx.body = { id: Number(ctx.params.id), ...(ctx.request.body as object) };
        },
      );
      app.use(router.routes());
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
    },
  },
  { createHookdesk: createContractHookdesk },
);
