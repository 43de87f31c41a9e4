import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStorage, type DeliveryRecord, type HookdeskStorage } from '../src/index.js';

// Regression: index keys as long as real ones (namespace, a webhook uuid, a status, a sort key
// with a uuid) once came back from lmdb as arrays, so every filtered listing was empty.
describe('embedded store with real-length ids', () => {
  let dir: string;
  let storage: HookdeskStorage;

  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists by every filter', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookdesk-long-keys-'));
    storage = await createStorage({ path: dir });
    const webhookId = randomUUID();
    const ruleId = randomUUID();
    const delivery = (status: DeliveryRecord['status'], rule: boolean): DeliveryRecord => ({
      uuid: randomUUID(),
      event: rule ? 'smart_rule.triggered' : 'ticket.created',
      webhookId: rule ? null : webhookId,
      ruleId: rule ? ruleId : null,
      url: 'https://hooks.example.com/a/rather/long/path',
      status,
      body: '{}',
      headers: {},
      signature: `sha1=${'0'.repeat(40)}`,
      createdAt: new Date().toISOString(),
      lastAttemptAt: null,
      nextAttemptAt: null,
      lastStatusCode: null,
      attemptCount: 0,
      attempts: [],
    });
    const records = [delivery('pending', false), delivery('failed', false), delivery('pending', true)];
    await storage.log.create(records);
    const uuids = async (filter: Parameters<HookdeskStorage['log']['list']>[0]) =>
      (await storage.log.list(filter)).items.map((item) => item.uuid).sort();
    const sorted = (...list: DeliveryRecord[]) => list.map((r) => r.uuid).sort();

    expect(await uuids({})).toEqual(sorted(...records));
    expect(await uuids({ status: 'pending' })).toEqual(sorted(records[0]!, records[2]!));
    expect(await uuids({ webhookId })).toEqual(sorted(records[0]!, records[1]!));
    expect(await uuids({ webhookId, status: 'failed' })).toEqual(sorted(records[1]!));
    expect(await uuids({ ruleId, status: 'pending' })).toEqual(sorted(records[2]!));
    expect(await uuids({ event: 'smart_rule.triggered' })).toEqual(sorted(records[2]!));
  });

  // Regression: a 3,000-character webhookId answered "Storage unavailable… check that the store is
  // running" (an outage to retry) and put the whole id in the message, hence in the host's log.
  it('says an over-long key is the caller’s fault, and does not repeat it in full', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookdesk-long-keys-'));
    storage = await createStorage({ path: dir });
    const id = 'a'.repeat(3000);
    const error = await storage.log.list({ webhookId: id }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/longer than the store allows/);
    expect((error as Error).message).not.toMatch(/Storage unavailable|store is running/);
    expect((error as Error).message).not.toContain('a'.repeat(300));
    expect((error as Error).message.length).toBeLessThan(700);
  });

  it('refuses a namespace with a space', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookdesk-long-keys-'));
    storage = await createStorage({ path: dir });
    await expect(createStorage({ path: dir, namespace: 'my app' })).rejects.toThrow(
      '`namespace` must be a non-empty string without spaces or control characters',
    );
  });
});
