import { CorruptRecordError } from '@hookdesk/storage';
import { entityRepositoryCases } from './entity-repository-cases.js';
import { makeWebhook, minutes } from './fixtures.js';
import { KEYS } from './key-layout.js';
import type { StorageContext } from './storage-context.js';

/** The webhook repository, and what it keeps beside a record: delivery health and retired keys. */
export function webhooksConformance(ctx: StorageContext): void {
  const { it, expect } = ctx.test;
  const { test } = ctx;
  entityRepositoryCases(test, {
    name: 'webhooks',
    storage: () => ctx.storage,
    repo: () => ctx.storage.webhooks,
    make: makeWebhook,
    keyOf: KEYS.webhook,
  });

  it("writes a webhook's delivery health apart from its record, never over an edit", async () => {
    const webhook = makeWebhook('h', 1);
    await ctx.storage.webhooks.put(webhook);
    // Edited after the bookkeeping last read it: the health write must not bring the old copy back.
    const edited = { ...webhook, url: 'https://example.com/edited', active: false, updatedAt: minutes(2) };
    await ctx.storage.webhooks.put(edited);
    const health = { lastSuccessAt: minutes(3), lastFailureAt: null, failingSince: null };
    await ctx.storage.webhooks.recordHealth('h', health);
    expect(await ctx.storage.webhooks.get('h')).toEqual({ ...edited, ...health });
    expect(await ctx.storage.webhooks.list()).toEqual([{ ...edited, ...health }]);

    // `put` replaces all of it, the health included.
    await ctx.storage.webhooks.put(webhook);
    expect(await ctx.storage.webhooks.get('h')).toEqual(webhook);

    await expect(ctx.storage.webhooks.recordHealth('h', { ...health, failingSince: 'soon' })).rejects.toThrow(
      /failingSince/,
    );
    expect(await ctx.storage.webhooks.get('h')).toEqual(webhook);

    await ctx.storage.keyv.set(KEYS.webhookHealth('h'), { ...health, lastFailureAt: 42 });
    const error = await ctx.storage.webhooks.get('h').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as Error).message).toContain(KEYS.webhookHealth('h'));

    // `delete` removes both: a webhook put again under the id has only its own health.
    await ctx.storage.webhooks.recordHealth('h', health);
    expect(await ctx.storage.webhooks.delete('h')).toBe(true);
    expect(await ctx.storage.webhooks.get('h')).toBeUndefined();
    expect(await ctx.storage.keyv.get(KEYS.webhookHealth('h'))).toBeUndefined();
  });

  it("keeps a webhook's retired keys, and refuses one without a valid validUntil", async () => {
    const previousKeys = [{ key: 'whsec_b2xk', validUntil: minutes(60) }];
    const webhook = makeWebhook('rotated', 1, { key: 'whsec_bmV3', previousKeys });
    await ctx.storage.webhooks.put(webhook);
    expect(await ctx.storage.webhooks.get('rotated')).toEqual(webhook);
    await expect(
      ctx.storage.webhooks.put({ ...webhook, previousKeys: [{ key: 'whsec_b2xk', validUntil: 'soon' }] }),
    ).rejects.toThrow(/previousKeys/);
    expect(await ctx.storage.webhooks.get('rotated')).toEqual(webhook);
  });
}
