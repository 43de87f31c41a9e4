import { bearerToken, createHookdesk } from '@hookdesk/core';
import { emitTicketEvent, hookdeskAdmin } from '@hookdesk/express';
import { createStorage } from '@hookdesk/storage';
import express from 'express';

export async function createHelpdeskApp({
  adminToken = '',
  dataDir = '.data',
  allowPrivateNetworks = false,
}) {
  const storage = await createStorage({ path: dataDir }); // the embedded store
  const hookdesk = createHookdesk({ storage, allowPrivateNetworks }); // true lets webhooks reach localhost
  const app = express();

  // The admin API (docs/admin-api.md), guarded by your own check: here a bearer token.
  app.use('/admin/webhooks', hookdeskAdmin(hookdesk, { authorize: bearerToken(adminToken) }));

  // Your ticket routes: the middleware reports the event once the route answers 2xx.
  app.post(
    '/api/tickets',
    express.json(),
    emitTicketEvent(hookdesk, 'ticket.created', (_req, _res, ticket) => ticket as Record<string, unknown>),
    (req, res) => {
      res.status(201).json({ id: Date.now(), ...req.body });
    },
  );

  return { app, hookdesk, storage };
}
