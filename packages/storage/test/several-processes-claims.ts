import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createStorage } from '../src/index.js';
import { tidyOnClose } from './cleanup.js';

const fixture = fileURLToPath(new URL('./fixtures/claim-firings.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

export const CLAIM_PROCESSES = 4;
export const CLAIM_TICKETS = 300;

function run(args: string[]): Promise<{ code: number | null; won: string[]; stderr: string }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fixture, ...args],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) =>
    child.once('exit', (code) =>
      resolve({
        code,
        stderr,
        won: stdout
          .split('\n')
          .filter((line) => line.startsWith('won '))
          .map((line) => line.slice(4)),
      }),
    ),
  );
}

/**
 * Smart rules fire once per ticket across processes because a firing is claimed with the backend's
 * atomic add-if-absent. Several processes claim the same tickets at once: each ticket is won by
 * exactly one of them. (A Keyv get-then-set claim would let several win.)
 */
export async function claimFromSeveralProcesses(store: string) {
  const namespace = `hookdesk-claims-${randomUUID()}`;
  const results = await Promise.all(
    Array.from({ length: CLAIM_PROCESSES }, () => run([store, namespace, 'rule-1', String(CLAIM_TICKETS)])),
  );
  for (const [n, result] of results.entries()) {
    expect({ process: n, code: result.code, stderr: result.stderr }).toEqual({
      process: n,
      code: 0,
      stderr: '',
    });
  }
  const won = results.flatMap((r) => r.won);
  expect(won).toHaveLength(CLAIM_TICKETS);
  expect(new Set(won).size).toBe(CLAIM_TICKETS);
  const storage = tidyOnClose(await createStorage({ store, namespace, purgeIntervalMs: 0 }));
  try {
    expect(await storage.ruleFirings.has('rule-1', `t${CLAIM_TICKETS - 1}`)).toBe(true);
    expect(await storage.ruleFirings.releaseRule('rule-1')).toBe(CLAIM_TICKETS);
  } finally {
    await storage.close();
  }
}
