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
import { hookdeskAdmin } from '@hookdesk/express';
import express, { type ErrorRequestHandler, type Response } from 'express';

const config = readExampleConfig(process.env, {
  port: 3000,
  dataDir: fileURLToPath(new URL('../.data', import.meta.url)),
});
const helpdesk = await openHelpdesk(config);
const { hookdesk, tickets } = helpdesk;

const app = express();
const json = express.json({ limit: TICKET_BODY_LIMIT_BYTES });
const send = (res: Response, answer: ErrorAnswer) => {
  res
    .status(answer.status)
    .set(answer.headers ?? {})
    .json(answer.body);
};
const noTicket = (id: string) => ({ error: { code: 'not_found', message: `There is no ticket ${id}.` } });

// Hookdesk's admin API, guarded by the admin token.
app.use('/admin/webhooks', hookdeskAdmin(hookdesk, { authorize: bearerToken(config.adminToken) }));

// The helpdesk's own routes. The ticket service records each ticket's event with its write, through
// an outbox, so the 201/200 goes out only once Hookdesk holds the event (core's README, "Recording
// events: the host's side").
app.post('/api/tickets', json, async (req, res) => {
  res.status(201).json(await tickets.create(req.body));
});

app.patch('/api/tickets/:id', json, async (req, res) => {
  const change = await tickets.update(String(req.params.id), req.body);
  if (change) res.json(change.ticket);
  else res.status(404).json(noTicket(String(req.params.id)));
});

app.get('/api/tickets/:id', async (req, res) => {
  const ticket = await tickets.get(String(req.params.id));
  if (ticket) res.json(ticket);
  else res.status(404).json(noTicket(String(req.params.id)));
});

// A known path with another method, then any other path: JSON, as every other answer.
app.all('/api/tickets', (req, res) => send(res, methodNotAllowedAnswer(req.method, req.path, ['POST'])));
app.all('/api/tickets/:id', (req, res) =>
  send(res, methodNotAllowedAnswer(req.method, req.path, ['GET', 'HEAD', 'PATCH'])),
);
app.use((req, res) => send(res, notFoundAnswer(req.method, req.path)));

const errors: ErrorRequestHandler = (error, _req, res, _next) => {
  const answer = errorAnswer(error);
  if (!answer) console.error(error);
  send(res, answer ?? INTERNAL_ERROR_ANSWER);
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
