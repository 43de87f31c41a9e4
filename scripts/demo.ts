// The quick start's demo: the Express example helpdesk and the example receiver, side by side.
// It creates a webhook from the helpdesk to the receiver, creates and edits a ticket, and shows
// the two signed deliveries the receiver verified and processed. `--once` stops after that.
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@hookdesk/example-suites';

const once = process.argv.includes('--once');
const root = fileURLToPath(new URL('..', import.meta.url));
const token = process.env.HOOKDESK_ADMIN_TOKEN ?? 'demo-admin-token-change-me';
const running: ExampleProcess[] = [];

async function api(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function stopAll(): Promise<void> {
  await Promise.all(running.map((app) => app.stop('SIGTERM')));
}

async function main(): Promise<void> {
  console.log('Starting the Express example helpdesk…');
  const helpdesk = await startExample(`${root}examples/express-helpdesk`, {
    PORT: process.env.PORT ?? '3000',
    HOOKDESK_ADMIN_TOKEN: token,
    HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
    HOOKDESK_RETRY_SCHEDULE: process.env.HOOKDESK_RETRY_SCHEDULE ?? '1s,5s,30s',
  });
  running.push(helpdesk);
  const admin = `${helpdesk.url}/admin/webhooks/api`;
  const { key } = await api(admin, 'GET', '/settings/key');

  console.log('Starting the example receiver with the helpdesk’s key…');
  const receiver = await startExample(`${root}examples/receiver`, {
    PORT: process.env.RECEIVER_PORT ?? '4000',
    HOOKDESK_KEYS: key,
  });
  running.push(receiver);

  const url = `${receiver.url}/webhooks`;
  const { items } = await api(admin, 'GET', '/webhooks');
  for (const stale of items.filter(
    (w: { url: string; name: string }) => w.name === 'demo receiver' && w.url !== url,
  )) {
    await api(admin, 'DELETE', `/webhooks/${stale.id}`);
  }
  if (!items.some((w: { url: string }) => w.url === url)) {
    await api(admin, 'POST', '/webhooks', {
      url,
      events: ['ticket.created', 'ticket.updated'],
      name: 'demo receiver',
    });
  }

  const ticket = await api(helpdesk.url, 'POST', '/api/tickets', {
    subject: 'Printer on fire ☃',
    priority: 'urgent',
  });
  await api(helpdesk.url, 'PATCH', `/api/tickets/${ticket.id}`, { status: 'closed' });
  console.log(`Created and closed ticket ${ticket.id}; waiting for the receiver…`);

  const deadline = Date.now() + 30_000;
  let seen: { uuid: string; event: string; ticketId: number }[] = [];
  while (Date.now() < deadline) {
    const processed = (await (await fetch(`${receiver.url}/events`)).json()) as typeof seen;
    seen = processed.filter((e) => e.ticketId === ticket.id);
    if (seen.length >= 2) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (seen.length < 2) throw new Error(`the receiver processed ${seen.length} of 2 deliveries in 30 s`);
  for (const event of seen) {
    // The receiver answers before Hookdesk has read that answer and logged it: wait for the log.
    let entry = await api(admin, 'GET', `/logs/${event.uuid}`);
    while (entry.status === 'pending' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      entry = await api(admin, 'GET', `/logs/${event.uuid}`);
    }
    console.log(
      `✔ ${event.event} for ticket ${event.ticketId}: signature verified by the receiver; log says ${entry.status}` +
        ` (${entry.signature}, attempt ${entry.attemptCount})`,
    );
  }

  if (once) return stopAll();
  console.log(`
The helpdesk:   ${helpdesk.url}   (POST /api/tickets, PATCH /api/tickets/:id)
Its admin API:  ${admin}   (Authorization: Bearer ${token})
The receiver:   ${receiver.url}/events lists what it processed

Try:  curl -s -X POST ${helpdesk.url}/api/tickets -H 'content-type: application/json' -d '{"subject":"Hello"}'
      curl -s ${receiver.url}/events
Ctrl-C stops both.`);
  const stop = () => stopAll().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(async (error) => {
  console.error(`The demo failed: ${error instanceof Error ? error.message : error}`);
  await stopAll();
  process.exit(1);
});
