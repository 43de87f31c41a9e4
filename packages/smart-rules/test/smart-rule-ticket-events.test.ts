import { createHmac } from 'node:crypto';
import { until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { triggered, urgent } from './support/rule-fixtures.js';
import { harness, receiver } from './support/setup.js';

describe('smart rules: firing on ticket events', () => {
  it('sends one signed smart_rule.triggered per time the ticket comes to match, and re-arms', async () => {
    const { hookdesk, rules, storage } = await harness();
    const r = await receiver();
    const rule = await rules.create({
      name: 'Urgent',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: `${r.url}/rule` },
    });
    expect(await hookdesk.ticketCreated({ id: 7, subject: 'Printer ☃', priority: 'low' })).toEqual([]);
    const [uuid] = await hookdesk.ticketUpdated(
      { id: 7, subject: 'Printer ☃', priority: 'urgent' },
      { previous: { id: 7, subject: 'Printer ☃', priority: 'low' } },
    );
    expect(uuid).toEqual(expect.any(String));
    const [request] = await r.waitForRequests(1);
    const body = JSON.parse(request?.body.toString('utf8') ?? '');
    expect(body).toEqual({
      uuid,
      event: 'smart_rule.triggered',
      created_at: '2026-11-28T08:00:00.000Z',
      ticket: { id: 7, subject: 'Printer ☃', priority: 'urgent' },
      smart_rule: { id: rule.id, name: 'Urgent' },
    });
    expect(request?.path).toBe(new URL(`${r.url}/rule`).pathname);
    expect(request?.headers['x-hookdesk-event']).toBe('smart_rule.triggered');
    const { key } = await hookdesk.revealKey();
    expect(request?.headers['x-hookdesk-signature']).toBe(
      `sha1=${createHmac('sha1', key)
        .update(request?.body ?? '')
        .digest('hex')}`,
    );
    expect(await storage.log.get(uuid as string)).toMatchObject({ ruleId: rule.id, webhookId: null });
    await until(async () => (await storage.log.get(uuid as string))?.status === 'succeeded', 'the delivery');

    // Still matching: nothing more. Stops matching: re-armed. Matches again: fires again.
    expect(await hookdesk.ticketUpdated({ id: 7, priority: 'urgent', note: 'more' })).toEqual([]);
    expect(await storage.ruleFirings.has(rule.id, '7')).toBe(true);
    expect(await hookdesk.ticketUpdated({ id: 7, priority: 'low' })).toEqual([]);
    expect(await storage.ruleFirings.has(rule.id, '7')).toBe(false);
    expect(await hookdesk.ticketUpdated({ id: 7, priority: 'urgent' })).toHaveLength(1);
    await r.waitForRequests(2);
    expect(await triggered(storage, rule.id)).toHaveLength(2);
    // Resendable like any delivery.
    expect(await hookdesk.resend({ ids: [uuid as string] })).toEqual([{ uuid, status: 'queued' }]);
    await r.waitForRequests(3);
  });

  it('fires a change-condition rule once per event carrying the change, and honours categories', async () => {
    const { hookdesk, rules, storage } = await harness();
    const r = await receiver();
    const rule = await rules.create({
      name: 'Back to pending',
      categories: ['billing'],
      conditions: { all: [{ field: 'status', op: 'changed_to', value: 'pending' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    const t = (status: string, category = 'billing') => ({ id: 'T-1', status, category });
    await hookdesk.ticketCreated(t('open'));
    expect(await hookdesk.ticketUpdated(t('pending'), { previous: t('open') })).toHaveLength(1);
    expect(await hookdesk.ticketUpdated(t('pending'), { previous: t('pending') })).toEqual([]);
    expect(await hookdesk.ticketUpdated(t('open'), { previous: t('pending') })).toEqual([]);
    expect(await hookdesk.ticketUpdated(t('pending'), { previous: t('open') })).toHaveLength(1);
    expect(await hookdesk.ticketUpdated(t('open', 'sales'), { previous: t('pending', 'sales') })).toEqual([]);
    expect(await hookdesk.ticketUpdated(t('pending', 'sales'), { previous: t('open', 'sales') })).toEqual([]);
    expect(await triggered(storage, rule.id)).toHaveLength(2);
  });

  it('sends nothing for an inactive rule, and deactivation in another engine stops it at once', async () => {
    const a = await harness();
    const r = await receiver();
    const inactive = await a.rules.create({
      name: 'Off',
      active: false,
      conditions: urgent,
      action: { type: 'trigger_webhook', url: r.url },
    });
    const rule = await a.rules.create({
      name: 'On',
      conditions: { all: [{ field: 'status', op: 'is', value: 'open' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    // Engine a has the rules in memory now.
    await a.hookdesk.ticketCreated({ id: 1, status: 'new', priority: 'urgent' });
    // A second engine on the same storage deactivates the rule.
    const b = await harness({ storage: a.storage, clock: a.clock });
    await b.rules.update(rule.id, { active: false });
    expect(await a.hookdesk.ticketUpdated({ id: 1, status: 'open', priority: 'urgent' })).toEqual([]);
    expect(await triggered(a.storage, rule.id)).toEqual([]);
    expect(await triggered(a.storage, inactive.id)).toEqual([]);
    expect(r.requests).toHaveLength(0);
  });

  it('creates nothing while the global switch is off, and does not make it up later', async () => {
    const { hookdesk, rules, storage } = await harness();
    const rule = await rules.create({
      name: 'Urgent',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.setActive(false);
    expect(await hookdesk.ticketCreated({ id: 1, priority: 'urgent' })).toEqual([]);
    await hookdesk.setActive(true);
    expect(await hookdesk.ticketUpdated({ id: 1, priority: 'urgent' })).toEqual([]);
    expect((await rules.sweep()).fired).toBe(0);
    expect(await triggered(storage, rule.id)).toEqual([]);
    // A new transition after the switch is back on fires as usual.
    await hookdesk.ticketUpdated({ id: 1, priority: 'low' });
    expect(await hookdesk.ticketUpdated({ id: 1, priority: 'urgent' })).toHaveLength(1);
  });

  it('deleting a rule forgets whom it fired for', async () => {
    const { hookdesk, rules, storage } = await harness();
    const rule = await rules.create({
      name: 'Urgent',
      conditions: urgent,
      action: { type: 'trigger_webhook', url: 'https://example.com/r' },
    });
    await hookdesk.ticketCreated({ id: 1, priority: 'urgent' });
    expect(await storage.ruleFirings.has(rule.id, '1')).toBe(true);
    await rules.delete(rule.id);
    expect(await storage.ruleFirings.has(rule.id, '1')).toBe(false);
    // The ticket's copy loses the id on its next write.
    await hookdesk.ticketUpdated({ id: 1, priority: 'urgent' });
    expect((await storage.tickets.get('1'))?.firedRules).toEqual([]);
  });
});
