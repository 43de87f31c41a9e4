import { until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { createAdminHandler, type HookdeskExtension, type TicketEvent } from '../src/index.js';
import { harness, receiver } from './support/setup.js';

// The two entry points a package such as @hookdesk/smart-rules builds on (core knows nothing of it).
describe('hookdesk.onTicketEvent', () => {
  it('hears every ticket event beside the webhook deliveries and adds the uuids it recorded', async () => {
    const { hookdesk, storage } = await harness();
    const r = await receiver();
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created', 'ticket.updated'] });
    const heard: TicketEvent[] = [];
    const unsubscribe = hookdesk.onTicketEvent(async (event) => {
      heard.push(event);
      return hookdesk.emit('smart_rule.triggered', {
        ticket: event.ticket as { id: number },
        rule: { id: 'r-1', name: 'Listener', url: r.url },
      });
    });
    const created = await hookdesk.ticketCreated({ id: 1, status: 'open' }, { eventId: 'e-1' });
    expect(created).toHaveLength(2);
    const updated = await hookdesk.ticketUpdated(
      { id: 1, status: 'closed' },
      { previous: { id: 1, status: 'open' } },
    );
    expect(updated).toHaveLength(2);
    expect(heard).toEqual([
      { type: 'ticket.created', ticket: { id: 1, status: 'open' }, at: expect.any(Number), eventId: 'e-1' },
      {
        type: 'ticket.updated',
        ticket: { id: 1, status: 'closed' },
        changes: { status: { old: 'open', new: 'closed' } },
        at: expect.any(Number),
        eventId: undefined,
      },
    ]);
    expect((await storage.log.get(created[1] as string))?.ruleId).toBe('r-1');
    unsubscribe();
    expect(await hookdesk.ticketCreated({ id: 2 })).toHaveLength(1);
    expect(heard).toHaveLength(2);
  });

  it("rejects the host's call with the listener's error, after the deliveries are recorded", async () => {
    const { hookdesk, storage } = await harness();
    await hookdesk.createWebhook({ url: (await receiver()).url, events: ['ticket.created'] });
    hookdesk.onTicketEvent(async () => {
      throw new Error('listener store down');
    });
    await expect(hookdesk.ticketCreated({ id: 1 })).rejects.toThrow('listener store down');
    expect((await storage.log.list({})).items).toHaveLength(1);
  });
});

describe('hookdesk.extend', () => {
  it('refuses a smart-rule option given to createHookdesk, saying where it goes now', async () => {
    await expect(harness({ sweepIntervalMs: 0 } as never)).rejects.toThrow(
      '`sweepIntervalMs` is a smart-rule option: pass it to installSmartRules(hookdesk, { sweepIntervalMs })',
    );
  });

  it('starts the extension with the engine, stops it first in close(), and refuses a second of a name', async () => {
    const { hookdesk } = await harness();
    const calls: string[] = [];
    const extension = hookdesk.extend((context) => {
      expect(typeof context.urlProblem).toBe('function');
      return {
        name: 'probe',
        start: () => calls.push('start'),
        stop: async () => {
          calls.push('stop');
        },
      };
    });
    // Installed after ready(): started at once.
    expect(calls).toEqual(['start']);
    expect(() => hookdesk.extend(() => extension)).toThrow(/probe is installed on this Hookdesk already/);
    await hookdesk.close();
    expect(calls).toEqual(['start', 'stop']);
    expect(() => hookdesk.extend(() => ({ name: 'late' }))).toThrow(/was closed/);
  });

  it('lends the SSRF verdict webhooks get, and asks the extension for the current URL of its deliveries', async () => {
    const { hookdesk, storage, clock } = await harness({ retrySchedule: [1_000] });
    const broken = await receiver({ respond: { status: 500 } });
    const fixed = await receiver();
    let url = broken.url;
    const extension: HookdeskExtension = {
      name: 'urls',
      currentUrl: async (record) => (record.ruleId === 'r-1' ? url : undefined),
    };
    let problem: string | null = 'unset';
    hookdesk.extend((context) => {
      void context.urlProblem('http://10.1.2.3/hook').then((p) => {
        problem = p;
      });
      return extension;
    });
    const [uuid] = await hookdesk.emit('smart_rule.triggered', {
      ticket: { id: 5 },
      rule: { id: 'r-1', name: 'Rule', url: broken.url },
    });
    await broken.waitForRequests(1);
    await until(async () => (await storage.log.get(uuid as string))?.attemptCount === 1, 'attempt 1 logged');
    url = fixed.url;
    await clock.advance(1_000);
    await fixed.waitForRequests(1);
    await until(async () => (await storage.log.get(uuid as string))?.status === 'succeeded', 'retried');
    expect((await storage.log.get(uuid as string))?.url).toBe(fixed.url);
    expect(problem).toMatch(/10\.1\.2\.3.*private/);
  });

  it("serves the extension's admin routes, and 404s smart-rule routes with how to install them", async () => {
    const { hookdesk } = await harness();
    const handle = createAdminHandler(hookdesk, { insecure: true, logger: { warn() {}, error() {} } });
    const get = (path: string) =>
      handle({
        method: 'GET',
        path,
        query: '',
        headers: {},
        body: { kind: 'parsed', value: undefined },
        origin: 'http://x',
        native: {},
      });
    const missing = await get('/api/smart-rules');
    expect(missing.status).toBe(404);
    expect(String(missing.body)).toContain('installSmartRules(hookdesk)');
    hookdesk.extend(() => ({
      name: 'rules',
      adminRoutes: [
        {
          method: 'GET',
          path: '/api/smart-rules',
          summary: 'Every rule',
          handle: async () => ({ status: 200, body: { items: [] } }),
        },
      ],
    }));
    const served = await get('/api/smart-rules');
    expect(served.status).toBe(200);
    expect(JSON.parse(String(served.body))).toEqual({ items: [] });
    const doc = JSON.parse(String((await get('/api/openapi.json')).body));
    expect(doc.paths['/api/smart-rules'].get.summary).toBe('Every rule');
  });
});
