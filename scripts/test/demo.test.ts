import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('the quick start demo shows two signed deliveries processed by the receiver', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookdesk-demo-'));
  try {
    const { stdout } = await promisify(execFile)('pnpm', ['exec', 'tsx', 'scripts/demo.ts', '--once'], {
      cwd: root,
      env: { ...process.env, PORT: '0', RECEIVER_PORT: '0', HOOKDESK_DATA_DIR: dataDir },
      timeout: 90_000,
    });
    expect(stdout).toMatch(
      /✔ ticket\.created for ticket 1: signature verified by the receiver; log says succeeded/,
    );
    expect(stdout).toMatch(
      /✔ ticket\.updated for ticket 1: signature verified by the receiver; log says succeeded/,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
