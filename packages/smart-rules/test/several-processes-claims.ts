import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createStorage } from '@hookdesk/storage';
import { tidyOnClose } from '@hookdesk/test-support';
import { expect } from 'vitest';
import { smartRuleStorage } from '../src/storage/smart-rule-storage.js';

const fixture = fileURLToPath(new URL('./fixtures/claim-firings.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

export const CLAIM_PROCESSES = 4;
export const CLAIM_TICKETS = 2_000;

function run(args: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fixture, ...args],
    { cwd: packageDir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) onReady();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; won: string[]; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      onReady();
      resolve({
        code,
        stderr,
        won: stdout
          .split('\n')
          .filter((line) => line.startsWith('won '))
          .map((line) => line.slice(4)),
      });
    }),
  );
  return { ready, exited, go: () => child.stdin!.end('go\n') };
}

/**
 * Smart rules fire once per ticket across processes because a firing is claimed with the backend's
 * atomic add-if-absent. Several processes claim the same tickets at once: each ticket is won by
 * exactly one of them. (A Keyv get-then-set claim would let several win.)
 */
export async function claimFromSeveralProcesses(store: string) {
  const namespace = `hookdesk-claims-${randomUUID()}`;
  const children = Array.from({ length: CLAIM_PROCESSES }, () =>
    run([store, namespace, 'rule-1', String(CLAIM_TICKETS)]),
  );
  await Promise.all(children.map((child) => child.ready));
  for (const child of children) child.go();
  const results = await Promise.all(children.map((child) => child.exited));
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
    expect(await smartRuleStorage(storage).ruleFirings.has('rule-1', `t${CLAIM_TICKETS - 1}`)).toBe(true);
    expect(await smartRuleStorage(storage).ruleFirings.releaseRule('rule-1')).toBe(CLAIM_TICKETS);
  } finally {
    await storage.close();
  }
}
