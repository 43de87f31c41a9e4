import { fileURLToPath } from 'node:url';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { startReadmeExample } from '@hookdesk/test-support';
import { expect, it } from 'vitest';

// Inside the package, so `@hookdesk/core`, `@hookdesk/smart-rules` and `@hookdesk/storage` resolve as
// they would for a user.
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

it('runs the README example: the rule fires once, signed, to a real receiver', async () => {
  const receiver = await startTestReceiver();
  const example = startReadmeExample(PACKAGE_DIR, { env: { WEBHOOK_URL: receiver.url } });
  try {
    const [request] = await receiver.waitForRequests(1, 15_000).catch((error) => {
      throw new Error(`${error.message}; example printed: ${example.output()}`);
    });
    const body = JSON.parse(request?.body.toString() ?? '');
    expect(body).toMatchObject({
      event: 'smart_rule.triggered',
      smart_rule: { name: 'Urgent tickets' },
      ticket: { id: 42, priority: 'urgent' },
    });
    expect(request?.headers['x-hookdesk-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    await example.printed(/delivered smart_rule\.triggered/);
    expect(example.output()).toMatch(/fired \S+ 1/);
    expect(example.output()).toContain('delivered smart_rule.triggered');
    expect(receiver.requests).toHaveLength(1);
  } finally {
    example.stop();
    await receiver.close();
  }
}, 30_000);
