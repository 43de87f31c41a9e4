import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { afterAll, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so `@hookdesk/core` and `@hookdesk/storage` resolve as they would for a user.
const EXAMPLE_FILE = `${PACKAGE_DIR}test/.readme-example.ts`;

afterAll(() => rmSync(EXAMPLE_FILE, { force: true }));

function usageExample(): string {
  const readme = readFileSync(`${PACKAGE_DIR}README.md`, 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Usage')))?.[1];
  if (block === undefined) throw new Error('README has no ```ts block under ## Usage');
  return block;
}

it('runs the README example: both events reach a real receiver, signed', async () => {
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
    const requests = await receiver.waitForRequests(2, 15_000).catch((error) => {
      throw new Error(`${error.message}; example printed: ${output}`);
    });
    const bodies = requests.map((r) => JSON.parse(r.body.toString()));
    expect(bodies.map((b) => b.event).sort()).toEqual(['ticket.created', 'ticket.updated']);
    const updated = bodies.find((b) => b.event === 'ticket.updated');
    expect(updated.changes).toEqual({ status: { old: 'open', new: 'closed' } });
    for (const r of requests) expect(r.headers['x-hookdesk-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    const deadline = Date.now() + 5_000;
    while ((output.match(/delivered/g) ?? []).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(output).toContain('delivered ticket.created');
    expect(output).toContain('delivered ticket.updated');
  } finally {
    child.kill('SIGKILL');
    await receiver.close();
  }
}, 30_000);
