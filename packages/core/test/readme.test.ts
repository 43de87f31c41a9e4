import { fileURLToPath } from 'node:url';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { startReadmeExample } from '@hookdesk/test-support';
import { expect, it } from 'vitest';

// Inside the package, so `@hookdesk/core` and `@hookdesk/storage` resolve as they would for a user.
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

it('runs the README example: both events reach a real receiver, signed', async () => {
  const receiver = await startTestReceiver();
  const example = startReadmeExample(PACKAGE_DIR, { env: { WEBHOOK_URL: receiver.url } });
  try {
    const requests = await receiver.waitForRequests(2, 15_000).catch((error) => {
      throw new Error(`${error.message}; example printed: ${example.output()}`);
    });
    const bodies = requests.map((r) => JSON.parse(r.body.toString()));
    expect(bodies.map((b) => b.event).sort()).toEqual(['ticket.created', 'ticket.updated']);
    const updated = bodies.find((b) => b.event === 'ticket.updated');
    expect(updated.changes).toEqual({ status: { old: 'open', new: 'closed' } });
    for (const r of requests) expect(r.headers['x-hookdesk-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    await example.printed(/delivered[\s\S]*delivered/);
    expect(example.output()).toContain('delivered ticket.created');
    expect(example.output()).toContain('delivered ticket.updated');
  } finally {
    example.stop();
    await receiver.close();
  }
}, 30_000);
