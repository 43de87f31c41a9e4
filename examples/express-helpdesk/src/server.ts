import { fileURLToPath } from 'node:url';
import { bearerToken } from '@hookdesk/core';
import {
  exitGracefully,
  openHelpdesk,
  readExampleConfig,
  type TicketChange,
  TicketInputError,
} from '@hookdesk/example-helpdesk-common';
import { emitTicketEvent, hookdeskAdmin } from '@hookdesk/express';
import express, { type ErrorRequestHandler } from 'express';

const config = readExampleConfig(process.env, {
  port: 3000,
  dataDir: fileURLToPath(new URL('../.data', import.meta.url)),
});
const helpdesk = await openHelpdesk(config);
const { hookdesk, tickets } = helpdesk;

const app = express();

// Hookdesk's admin API, guarded by the admin token.
app.use('/admin/webhooks', hookdeskAdmin(hookdesk, { authorize: bearerToken(config.adminToken) }));

// The helpdesk's own routes. Each ticket route reports its event to Hookdesk once it answers 2xx.
app.post(
  '/api/tickets',
  express.json(),
  emitTicketEvent(hookdesk, 'ticket.created', (_req, _res, ticket) => ticket as Record<string, unknown>),
  async (req, res) => {
    res.status(201).json(await tickets.create(req.body));
  },
);

app.patch(
  '/api/tickets/:id',
  express.json(),
  emitTicketEvent(hookdesk, 'ticket.updated', (_req, res) => res.locals.ticketChange as TicketChange),
  async (req, res) => {
    const change = await tickets.update(String(req.params.id), req.body);
    if (!change) {
      res.status(404).json({ error: { code: 'not_found', message: `There is no ticket ${req.params.id}.` } });
      return;
    }
    res.locals.ticketChange = change;
    res.json(change.ticket);
  },
);

app.get('/api/tickets/:id', async (req, res) => {
  const ticket = await tickets.get(String(req.params.id));
  if (ticket) res.json(ticket);
  else
    res.status(404).json({ error: { code: 'not_found', message: `There is no ticket ${req.params.id}.` } });
});

const errors: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof TicketInputError) {
    res.status(422).json({ error: { code: error.code, message: error.message } });
  } else if ((error as { type?: string }).type === 'entity.parse.failed') {
    res
      .status(400)
      .json({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
  } else {
    console.error(error);
    res.status(500).json({ error: { code: 'internal_error', message: 'The helpdesk failed; see its log.' } });
  }
};
app.use(errors);

const server = app.listen(config.port, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.adminTokenGenerated)
    console.log(`admin token (set HOOKDESK_ADMIN_TOKEN to keep one): ${config.adminToken}`);
  console.log(`admin API: http://127.0.0.1:${port}/admin/webhooks/api/settings`);
  console.log(`listening on http://127.0.0.1:${port}`);
});
exitGracefully(server, helpdesk.close);
