import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSignedRequest } from '../src/index.js';
import { OTHER_KEY, ticketCreated, WIRE_KEY } from './fixtures.js';
import { post } from './servers.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so `@hookdesk/receiver-sdk` and `express` resolve as they would for a user.
const EXAMPLE_FILE = `${PACKAGE_DIR}test/.readme-example.ts`;

function readmeExpressExample(): string {
  const readme = readFileSync(`${PACKAGE_DIR}README.md`, 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'));
  const block = /```ts\n([\s\S]*?)```/.exec(usage)?.[1];
  if (block === undefined) throw new Error('README has no ```ts block under ## Usage');
  return block;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('README', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(EXAMPLE_FILE, { force: true });
  });

  it('has a ten-line Express example (plus imports) that uses the SDK as documented', () => {
    const code = readmeExpressExample();
    expect(code).toContain("import { expressReceiver } from '@hookdesk/receiver-sdk';");
    const lines = code.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('import '));
    expect(lines.length).toBeLessThanOrEqual(10);
  });

  it('runs the Express example: it verifies, processes once, and refuses a bad signature', {
    timeout: 60_000,
  }, async () => {
    writeFileSync(EXAMPLE_FILE, readmeExpressExample());
    const port = await freePort();
    let output = '';
    child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', EXAMPLE_FILE], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, PORT: String(port), HOOKDESK_KEYS: `${WIRE_KEY},${OTHER_KEY}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    const url = `http://127.0.0.1:${port}/webhooks`;
    const { body, headers } = createSignedRequest(
      ticketCreated({ ticket: { id: 4711 } } as never),
      OTHER_KEY,
    );
    const first = await vi.waitFor(() => post(url, body, headers), { timeout: 45_000, interval: 100 });
    expect(first).toEqual({ status: 200, body: { status: 'processed' } });
    expect(await post(url, body, headers)).toEqual({ status: 200, body: { status: 'duplicate' } });
    await vi.waitFor(() => expect(output).toContain('new ticket 4711'));
    expect(output.match(/new ticket/g)).toHaveLength(1);
    const forged = createSignedRequest(body, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').headers;
    expect((await post(url, body, forged)).status).toBe(401);
  });
});
