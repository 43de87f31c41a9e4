import { until } from '@hookdesk/test-support';
import { generateKey } from '@hookdesk/wire';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../src/index.js';
import { harness, receiver } from './support/setup.js';

const publicDns = async (host: string) => {
  if (host === 'hooks.example.com') return [{ address: '93.184.216.34', family: 4 }];
  if (host === 'internal.example.com') return [{ address: '10.1.2.3', family: 4 }];
  if (host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
};

describe('webhooks', () => {
  it('creates, lists, reads with health, edits and deletes, never showing a key', async () => {
    const { hookdesk } = await harness({ resolve: publicDns });
    const created = await hookdesk.createWebhook({
      url: 'https://hooks.example.com/in',
      events: ['ticket.created'],
      name: 'CRM',
      key: generateKey(),
      headers: { Authorization: 'Bearer x' },
    });
    expect(created).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/in',
      events: ['ticket.created'],
      active: true,
      name: 'CRM',
      description: null,
      headers: { authorization: 'Bearer x' },
      hasOwnKey: true,
      health: { successRate: null, lastFailureAt: null, lastSuccessAt: null },
      deactivatedReason: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await hookdesk.listWebhooks()).toEqual([created]);
    expect(await hookdesk.getWebhook(created.id)).toEqual(created);
    const edited = await hookdesk.updateWebhook(created.id, {
      key: null,
      events: ['ticket.updated'],
      active: false,
    });
    expect(edited).toMatchObject({
      hasOwnKey: false,
      events: ['ticket.updated'],
      active: false,
      name: 'CRM',
    });
    expect(JSON.stringify(await hookdesk.listWebhooks())).not.toContain('whsec_');
    await hookdesk.deleteWebhook(created.id);
    await expect(hookdesk.getWebhook(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(hookdesk.deleteWebhook(created.id)).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it.each([
    ['http://127.0.0.1/x', '127.0.0.1: 127.0.0.1 is a loopback address'],
    ['http://2130706433/x', '127.0.0.1: 127.0.0.1 is a loopback address'],
    ['http://[::1]/x', '[::1]: 0:0:0:0:0:0:0:1 is a loopback address'],
    ['http://localhost:3000/x', 'localhost resolves to 127.0.0.1, a loopback address'],
    ['http://LOCALHOST./x', 'localhost. resolves to 127.0.0.1, a loopback address'],
    ['https://internal.example.com/x', 'internal.example.com resolves to 10.1.2.3, a private address'],
    ['http://169.254.169.254/latest', '169.254.169.254: 169.254.169.254 is a link-local address'],
  ])('refuses %s on create and on edit', async (url, detail) => {
    const { hookdesk } = await harness({ resolve: publicDns, allowCidrs: [] });
    const error = await hookdesk.createWebhook({ url, events: ['ticket.created'] }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(422);
    expect(error.details).toEqual([{ path: 'url', message: detail }]);
    expect(error.message).toMatch(/allowPrivateNetworks/);
    const ok = await hookdesk.createWebhook({
      url: 'https://hooks.example.com/',
      events: ['ticket.created'],
    });
    await expect(hookdesk.updateWebhook(ok.id, { url })).rejects.toBeInstanceOf(ValidationError);
  });

  it('allows private addresses with allowPrivateNetworks', async () => {
    const { hookdesk } = await harness({ resolve: publicDns, allowPrivateNetworks: true });
    await expect(
      hookdesk.createWebhook({ url: 'http://localhost:3000/x', events: ['ticket.created'] }),
    ).resolves.toMatchObject({ url: 'http://localhost:3000/x' });
  });

  it('sends a signed webhook.test now and answers with its log entry', async () => {
    const { hookdesk } = await harness();
    const r = await receiver({ respond: { status: 200, body: 'ok' } });
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'], name: 'Test me' });
    const entry = await hookdesk.testWebhook(webhook.id);
    expect(r.requests).toHaveLength(1);
    const body = JSON.parse(r.requests[0]?.body.toString() ?? '');
    expect(body).toEqual({
      uuid: entry.uuid,
      event: 'webhook.test',
      created_at: entry.createdAt,
      webhook: { id: webhook.id, name: 'Test me' },
    });
    expect(entry).toMatchObject({
      status: 'succeeded',
      attemptCount: 1,
      signature: r.requests[0]?.headers['x-hookdesk-signature'],
      attempts: [{ number: 1, statusCode: 200, responseExcerpt: 'ok', blocked: false, error: null }],
    });
    expect(await hookdesk.getLog(entry.uuid)).toEqual(entry);
    expect((await hookdesk.getWebhook(webhook.id)).health.successRate).toBe(1);
  });

  it('reports health: success rate of recent deliveries and the last failure', async () => {
    const { hookdesk, storage } = await harness();
    const r = await receiver({ respond: [{ status: 200 }, { status: 410 }] });
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const [first] = await hookdesk.ticketCreated({ id: 1 });
    await until(async () => (await storage.log.get(first as string))?.status === 'succeeded', 'first');
    const [second] = await hookdesk.ticketCreated({ id: 2 });
    await until(async () => (await storage.log.get(second as string))?.status === 'failed', 'second');
    const one = await hookdesk.getWebhook(webhook.id);
    expect(one.health).toEqual({
      successRate: 0.5,
      lastFailureAt: expect.any(String),
      lastSuccessAt: expect.any(String),
    });
    // The 410 deactivated it, and says so; the list shows the same health and reason.
    expect(one.active).toBe(false);
    expect(one.deactivatedReason).toMatch(/410/);
    expect(await hookdesk.listWebhooks()).toEqual([one]);
  });

  it('computes every listed health from the index, reading no delivery record', async () => {
    const { hookdesk, storage } = await harness();
    const r = await receiver({ respond: { status: 200 } });
    const webhooks = [
      await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] }),
      await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] }),
    ];
    const uuids = await hookdesk.ticketCreated({ id: 1 });
    for (const uuid of uuids) {
      await until(async () => (await storage.log.get(uuid))?.status === 'succeeded', 'delivered');
    }
    const read = storage.records.readMany.bind(storage.records);
    const keys: string[] = [];
    storage.records.readMany = ((list: string[], schema: never) => {
      keys.push(...list);
      return read(list, schema);
    }) as typeof storage.records.readMany;
    const listed = await hookdesk.listWebhooks();
    // Made in the same millisecond, the two are listed in id order: compare them as a set.
    const byId = (a: [string, unknown], b: [string, unknown]) => a[0].localeCompare(b[0]);
    expect(listed.map((w): [string, unknown] => [w.id, w.health.successRate]).sort(byId)).toEqual(
      webhooks.map((w): [string, unknown] => [w.id, 1]).sort(byId),
    );
    expect(keys.filter((key) => key.startsWith('delivery:'))).toEqual([]);
  });

  it('throws TypeError naming the option on misuse', async () => {
    const { hookdesk, storage } = await harness();
    await expect(hookdesk.ticketCreated(null as never)).rejects.toThrow(/`ticket`/);
    await expect(hookdesk.ticketCreated([] as never)).rejects.toThrow(TypeError);
    const { createHookdesk } = await import('../src/index.js');
    expect(() => createHookdesk({} as never)).toThrow('`storage` is required');
    expect(() => createHookdesk({ storage, timeoutMs: -1 })).toThrow(
      '`timeoutMs` must be a positive integer, got -1.',
    );
  });
});

describe('log', () => {
  it('lists newest first with filters and pages', async () => {
    const { hookdesk, storage } = await harness();
    const r = await receiver();
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created', 'ticket.updated'] });
    const [a] = await hookdesk.ticketCreated({ id: 1 });
    const [b] = await hookdesk.ticketUpdated({ id: 1, s: 2 }, { previous: { id: 1, s: 1 } });
    await until(async () => (await storage.log.get(b as string))?.status === 'succeeded', 'delivered');
    await until(async () => (await storage.log.get(a as string))?.status === 'succeeded', 'delivered');
    const all = await hookdesk.listLogs({ limit: 10 });
    expect(all.items.map((i) => i.uuid).sort()).toEqual([a, b].sort());
    expect((await hookdesk.listLogs({ event: 'ticket.updated' })).items.map((i) => i.uuid)).toEqual([b]);
    await expect(hookdesk.getLog('nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
