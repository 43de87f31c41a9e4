import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookdeskStorage } from '@hookdesk/storage';
import { until } from '@hookdesk/test-support';
import { generateKey, keyPreview, signStandard, standardSecret } from '@hookdesk/wire';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../src/index.js';
import { harness, receiver } from './support/setup.js';

/**
 * Holds the next `storage.webhooks.get` after its answer is read, until `open()`: the moment
 * between a read-modify-write's read and its write. `realGet` reads unhindered.
 */
function holdFirstWebhookRead(storage: HookdeskStorage) {
  const realGet = storage.webhooks.get.bind(storage.webhooks);
  let open = () => {};
  let held = false;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  storage.webhooks.get = async (id) => {
    const record = await realGet(id);
    if (!held) {
      held = true;
      await gate;
    }
    return record;
  };
  return { realGet, held: () => held, open: () => open() };
}

describe('settings and key', () => {
  it('generates an account key on first start, reveals it and shows a preview', async () => {
    const { hookdesk, storage } = await harness();
    const { key } = await hookdesk.revealKey();
    expect(key).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await hookdesk.getSettings()).toEqual({ active: true, keyPreview: keyPreview(key) });
    expect((await storage.settings.get())?.key).toBe(key);
  });

  it('gives engines starting at once on one new store one account key, not one each', async () => {
    const { createStorage } = await import('@hookdesk/storage');
    const storage = await createStorage({ store: 'memory' });
    const r = await receiver();
    const engines = await Promise.all(Array.from({ length: 4 }, () => harness({ storage })));
    // What each engine signs with (its cached settings), not just what the store holds at the end.
    for (const [n, { hookdesk }] of engines.entries()) {
      await hookdesk.emit('smart_rule.triggered', {
        ticket: { id: n },
        rule: { id: 'rule-1', name: 'Escalate', url: r.url },
      });
    }
    const requests = await r.waitForRequests(4);
    const key = (await storage.settings.get())?.key as string;
    for (const request of requests) {
      const expected = `sha1=${createHmac('sha1', key).update(request.body).digest('hex')}`;
      expect(request.headers['x-hookdesk-signature']).toBe(expected);
    }
    const revealed = await Promise.all(engines.map(({ hookdesk }) => hookdesk.revealKey()));
    expect(new Set(revealed.map((k) => k.key))).toEqual(new Set([key]));
  });

  it('never lets delivery bookkeeping undo an admin edit made while it was under way', async () => {
    const { createStorage } = await import('@hookdesk/storage');
    const storage = await createStorage({ store: 'memory' });
    const { hookdesk } = await harness({ storage });
    const r = await receiver();
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    // The first read of the webhook after this (the bookkeeping of the success) is held until `open`.
    const { realGet, held, open } = holdFirstWebhookRead(storage);
    await hookdesk.ticketCreated({ id: 1 });
    await r.waitForRequests(1);
    await until(held, 'the bookkeeping read');
    const edit = hookdesk.updateWebhook(webhook.id, { active: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    open();
    expect((await edit).active).toBe(false);
    const stored = await realGet(webhook.id);
    expect(stored?.active).toBe(false);
    expect(stored?.lastSuccessAt).not.toBeNull();
  });

  it('never lets delivery bookkeeping in one process undo an admin edit made in another', async () => {
    const { createStorage } = await import('@hookdesk/storage');
    const dir = mkdtempSync(join(tmpdir(), 'hookdesk-two-processes-'));
    try {
      // Two engines, each with its own storage instance and caches, on one embedded store: one
      // sends, the other only serves the admin API (as a second process would).
      const sending = await harness({ storage: await createStorage({ path: dir }) });
      const admin = await harness({ storage: await createStorage({ path: dir }), process: false });
      const r = await receiver();
      const webhook = await sending.hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
      // The sender's first read of the webhook from here on (its bookkeeping of the success) is
      // held until `open`, so the admin's edit lands between that read and its write.
      const { realGet, held, open } = holdFirstWebhookRead(sending.storage);
      const [uuid] = await sending.hookdesk.ticketCreated({ id: 1 });
      await r.waitForRequests(1);
      await until(held, 'the bookkeeping read');
      await admin.hookdesk.updateWebhook(webhook.id, { name: 'Edited elsewhere', active: false });
      open();
      await until(
        async () => (await admin.storage.log.get(uuid as string))?.status === 'succeeded',
        'delivered',
      );
      await until(async () => (await realGet(webhook.id))?.lastSuccessAt != null, 'the bookkeeping');
      const stored = await admin.storage.webhooks.get(webhook.id);
      expect(stored).toMatchObject({ name: 'Edited elsewhere', active: false });
      expect(stored?.lastSuccessAt).not.toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the key across restarts on the same storage', async () => {
    const first = await harness();
    const { key } = await first.hookdesk.revealKey();
    const second = await harness({ storage: first.storage, clock: first.clock });
    expect((await second.hookdesk.revealKey()).key).toBe(key);
  });

  it('rotates: the new key signs, the old one stays in webhook-signature for the grace period only', async () => {
    const { hookdesk, clock, storage } = await harness({ keyGracePeriodMs: 3_600_000 });
    const r = await receiver();
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const old = (await hookdesk.revealKey()).key;
    const rotated = await hookdesk.rotateKey();
    expect(rotated.key).not.toBe(old);
    expect(rotated.previousKeyValidUntil).toBe(new Date(clock.now() + 3_600_000).toISOString());
    expect((await hookdesk.revealKey()).key).toBe(rotated.key);

    const [uuid] = await hookdesk.ticketCreated({ id: 1 });
    const during = (await r.waitForRequests(1))[0];
    if (!during) throw new Error('no request');
    // Let the attempt finish before moving fake time, or its deadline would fire.
    await until(async () => (await storage.log.get(uuid as string))?.status === 'succeeded', 'delivered');
    const sigs = (during.headers['webhook-signature'] as string).split(' ');
    const id = during?.headers['webhook-id'] as string;
    const ts = Number(during?.headers['webhook-timestamp']);
    const body = during?.body as Buffer;
    expect(sigs).toEqual([
      signStandard(standardSecret(rotated.key), id, ts, body),
      signStandard(standardSecret(old), id, ts, body),
    ]);
    expect(during?.headers['x-hookdesk-signature']).toBe(
      `sha1=${createHmac('sha1', rotated.key).update(body).digest('hex')}`,
    );

    await clock.advance(3_600_001);
    await hookdesk.ticketCreated({ id: 2 });
    const after = (await r.waitForRequests(2))[1];
    if (!after) throw new Error('no request');
    expect((after.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
  });

  describe("a webhook's key changed by PATCH keeps signing webhook-signature for the grace period", () => {
    /** Each delivery's webhook-signature must hold exactly one signature per key of `keys`, in order. */
    async function sendAndExpect(
      setup: Awaited<ReturnType<typeof harness>>,
      r: Awaited<ReturnType<typeof receiver>>,
      ticketId: number,
      keys: string[],
    ) {
      const [uuid] = await setup.hookdesk.ticketCreated({ id: ticketId });
      const request = (await r.waitForRequests(ticketId))[ticketId - 1];
      if (!request) throw new Error('no request');
      await until(
        async () => (await setup.storage.log.get(uuid as string))?.status === 'succeeded',
        'delivered',
      );
      const id = request.headers['webhook-id'] as string;
      const ts = Number(request.headers['webhook-timestamp']);
      expect((request.headers['webhook-signature'] as string).split(' ')).toEqual(
        keys.map((key) => signStandard(standardSecret(key), id, ts, request.body)),
      );
      expect(request.headers['x-hookdesk-signature']).toBe(
        `sha1=${createHmac('sha1', keys[0] as string)
          .update(request.body)
          .digest('hex')}`,
      );
    }

    it('own key to a new own key', async () => {
      const setup = await harness({ keyGracePeriodMs: 3_600_000 });
      const r = await receiver();
      const first = generateKey();
      const webhook = await setup.hookdesk.createWebhook({
        url: r.url,
        events: ['ticket.created'],
        key: first,
      });
      await sendAndExpect(setup, r, 1, [first]);

      const second = generateKey();
      await setup.hookdesk.updateWebhook(webhook.id, { key: second });
      await sendAndExpect(setup, r, 2, [second, first]);
      // Other edits leave the grace period alone; the same key again retires nothing.
      await setup.hookdesk.updateWebhook(webhook.id, { name: 'renamed', key: second });
      await sendAndExpect(setup, r, 3, [second, first]);

      await setup.clock.advance(3_600_001);
      await sendAndExpect(setup, r, 4, [second]);
    });

    it('account key to a generated own key, and back to the account key', async () => {
      const setup = await harness({ keyGracePeriodMs: 3_600_000 });
      const r = await receiver();
      const account = (await setup.hookdesk.revealKey()).key;
      const webhook = await setup.hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
      await sendAndExpect(setup, r, 1, [account]);

      await setup.hookdesk.updateWebhook(webhook.id, { key: 'generate' });
      const own = (await setup.storage.webhooks.get(webhook.id))?.key as string;
      expect(own).toMatch(/^whsec_/);
      expect(own).not.toBe(account);
      await sendAndExpect(setup, r, 2, [own, account]);

      await setup.clock.advance(1_800_000);
      await setup.hookdesk.updateWebhook(webhook.id, { key: null });
      expect((await setup.hookdesk.getWebhook(webhook.id)).hasOwnKey).toBe(false);
      // The account key signs first again; the dropped own key stays for its grace period.
      await sendAndExpect(setup, r, 3, [account, own]);

      await setup.clock.advance(3_600_001);
      await sendAndExpect(setup, r, 4, [account]);
      // Never shown by the admin API.
      expect(JSON.stringify(await setup.hookdesk.getWebhook(webhook.id))).not.toContain(own);
    });
  });

  it('with the switch off creates nothing, holds due retries, and refuses resends and tests', async () => {
    const { hookdesk, storage, clock } = await harness();
    const r = await receiver({ respond: [{ status: 500 }, { status: 200 }] });
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const [uuid] = await hookdesk.ticketCreated({ id: 1 });
    await until(async () => (await storage.log.get(uuid as string))?.attemptCount === 1, 'first attempt');

    expect(await hookdesk.setActive(false)).toMatchObject({ active: false });
    expect(await hookdesk.ticketCreated({ id: 2 })).toEqual([]);
    await expect(hookdesk.resend({ ids: [uuid as string] })).rejects.toBeInstanceOf(ConflictError);
    await expect(hookdesk.testWebhook(webhook.id)).rejects.toMatchObject({ status: 409, code: 'conflict' });
    await clock.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.requests).toHaveLength(1);

    await hookdesk.setActive(true);
    await r.waitForRequests(2);
    await until(
      async () => (await storage.log.get(uuid as string))?.status === 'succeeded',
      'retry after switch-on',
    );
    // Nothing was made up for the event while it was off.
    expect((await hookdesk.listLogs()).items).toHaveLength(1);
  });
});
