import type { AddressInfo } from 'node:net';
import type { AdminAdapterFactory } from '@hookdesk/admin-contract';
import type express from 'express';
import type { ErrorRequestHandler } from 'express';
import { emitTicketEvent, hookdeskAdmin } from '../src/index.js';

/** The contract suite's host app on a given Express module (5, or 4 through the `express4` alias). */
export function expressAppFactory(expressModule: typeof express, name: string): AdminAdapterFactory {
  return {
    name,
    async start(options) {
      const app = expressModule();
      if (options.hostJsonParser) app.use(expressModule.json());
      app.use(
        options.mountPath,
        hookdeskAdmin(options.engine as never, {
          authorize: options.authorize as never,
          insecure: options.insecure,
          bodyLimit: options.bodyLimit,
        }),
      );
      const hookOptions = { onError: options.onTicketEventError };
      app.post(
        '/tickets/explode',
        emitTicketEvent(options.engine, 'ticket.created', (_req, _res, body) => body as never, hookOptions),
        () => {
          throw new Error('host route failed');
        },
      );
      app.post(
        '/tickets',
        expressModule.json(),
        emitTicketEvent(options.engine, 'ticket.created', (_req, _res, body) => body as never, hookOptions),
        (req, res) => {
          res.status(Number(req.query.status)).json(req.body);
        },
      );
      app.patch(
        '/tickets/:id',
        expressModule.json(),
        emitTicketEvent(
          options.engine,
          'ticket.updated',
          (req, _res, body) => ({
            ticket: body as never,
            previous: { id: Number(req.params.id), status: 'open' },
          }),
          hookOptions,
        ),
        (req, res) => {
          res.status(Number(req.query.status)).json({ id: Number(req.params.id), ...req.body });
        },
      );
      const hostErrors: ErrorRequestHandler = (_error, _req, res, _next) => {
        res.status(500).json({ host: 'error' });
      };
      app.use(hostErrors);
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
  };
}
