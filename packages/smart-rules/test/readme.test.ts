import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { afterAll, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so `@hookdesk/core`, `@hookdesk/smart-rules` and `@hookdesk/storage` resolve as
// they would for a user.
const EXAMPLE_FILE = `${PACKAGE_DIR}test/.readme-example.ts`;

afterAll(() => rmSync(EXAMPLE_FILE, { force: true }));

function usageExample(): string {
  const readme = readFileSync(`${PACKAGE_DIR}README.md`, 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Usage')))?.[1];
  if (block === undefined) throw new Error('README has no ```ts block under ## Usage');
  return block;
}

it('runs the README example: the rule fires once, signed, to a real receiver', async () => {
  const receiver = await startTestReceiver();
  writeFileSync(EXAMPLE_FILE, usageExample());
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', EXAMPLE_FILE], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, WEBHOOK_URL: receiver.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  try {
    const [request] = await receiver.waitForRequests(1, 15_000).catch((error) => {
      throw new Error(`${error.message}; example printed: ${output}`);
    });
    const body = JSON.parse(request?.body.toString() ?? '');
    expect(body).toMatchObject({
      event: 'smart_rule.triggered',
      smart_rule: { name: 'Urgent tickets' },
      ticket: { id: 42, priority: 'urgent' },
    });
    expect(request?.headers['x-hookdesk-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    const deadline = Date.now() + 5_000;
    while (!output.includes('delivered smart_rule.triggered') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(output).toMatch(/fired \S+ 1/);
    expect(output).toContain('delivered smart_rule.triggered');
    expect(receiver.requests).toHaveLength(1);
  } finally {
    child.kill('SIGKILL');
    await receiver.close();
  }
}, 30_000);
