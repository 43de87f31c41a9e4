import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorage } from '../src/index.js';
import { spawnAppender, watch } from './child-process.js';

const dir = mkdtempSync(join(tmpdir(), 'hookdesk-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded store durability', () => {
  it('keeps every acknowledged write when the writing process is killed with SIGKILL', async () => {
    const path = join(dir, 'db');
    // Far more writes than it gets to make: the kill lands mid-stream.
    const child = spawnAppender([path, 'kill', 1_000_000, 8, 'k']);
    const { acked, exited, stderr } = watch(child);
    const deadline = Date.now() + 15_000;
    while (acked.length < 500 && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    const { signal } = await exited;
    expect(stderr()).toBe('');
    expect(signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(500);

    const storage = await createStorage({ path, namespace: 'kill' });
    try {
      const listed = new Set(await storage.log.uuids({}, 2_000_000));
      const missing = acked.filter((uuid) => !listed.has(uuid));
      expect(missing).toEqual([]);
      for (const uuid of [acked[0]!, acked[acked.length - 1]!]) {
        expect((await storage.log.get(uuid))?.uuid).toBe(uuid);
      }
    } finally {
      await storage.close();
    }
  });
});
