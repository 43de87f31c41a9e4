import { randomUUID } from 'node:crypto';
import { tidyOnClose } from '@hookdesk/test-support';
import { expect } from 'vitest';
import { createStorage } from '../src/index.js';
import { spawnAppender, watch } from './child-process.js';

export const PROCESSES = 4;
export const PER_PROCESS = 2_000;

/**
 * Keyv has no compare-and-set: an index kept as a Keyv value (read, append, write back) loses
 * entries when processes interleave. The sorted set / btree appends must lose none.
 */
export async function appendFromSeveralProcesses(store: string) {
  const namespace = `hookdesk-procs-${randomUUID()}`;
  const children = Array.from({ length: PROCESSES }, (_, n) =>
    watch(spawnAppender([store, namespace, PER_PROCESS, 16, `p${n}`])),
  );
  const exits = await Promise.all(children.map((child) => child.exited));
  for (const [n, exit] of exits.entries()) {
    expect({ process: n, exit, stderr: children[n]!.stderr() }).toEqual({
      process: n,
      exit: { code: 0, signal: null },
      stderr: '',
    });
  }
  expect(children.map((child) => child.acked.length)).toEqual(Array(PROCESSES).fill(PER_PROCESS));

  const storage = tidyOnClose(await createStorage({ store, namespace }));
  try {
    const listed = await storage.log.uuids({}, 100_000);
    expect(listed).toHaveLength(PROCESSES * PER_PROCESS);
    expect(new Set(listed).size).toBe(PROCESSES * PER_PROCESS);
    const acked = children.flatMap((child) => child.acked).sort();
    expect([...listed].sort()).toEqual(acked);
    // The per-field sets got every append too.
    expect(await storage.log.uuids({ webhookId: 'wh-p2' }, 100_000)).toHaveLength(PER_PROCESS);
    expect(await storage.log.uuids({ status: 'failed' }, 100_000)).toHaveLength(
      (PROCESSES * PER_PROCESS) / 100,
    );
  } finally {
    await storage.close();
  }
}
