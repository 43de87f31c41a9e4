import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Hookdesk } from '@hookdesk/core';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { FakeClock, until } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FIRING_LEASE_MS, DEFAULT_SWEEP_LEASE_MS } from '../src/smart-rule-options.js';
import { createRulesHookdesk, harness, rulesOf, withRuleRepositories } from './support/setup.js';

const HOUR = 3_600_000;
const fixture = fileURLToPath(new URL('./fixtures/smart-rule-claim-child.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const openOver2h = {
  all: [
    { field: 'status', op: 'is', value: 'open' },
    { time: 'since_created', op: 'gt', hours: 2, clock: 'calendar' },
  ],
};
const action = { type: 'trigger_webhook', url: 'https://example.com/rule' };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function runChild(args: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fixture, ...args],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<{ signal: NodeJS.Signals | null; lines: string[]; stderr: string }>((resolve) =>
    child.once('close', (_code, signal) => resolve({ signal, lines: stdout.split('\n'), stderr })),
  );
}

/** The `smart_rule.triggered` deliveries the log holds for the rule. */
function triggered(storage: HookdeskStorage, ruleId: string): Promise<string[]> {
  return storage.log.uuids({ ruleId }, 100);
}

describe('a smart-rule firing whose process is killed between claim and delivery', () => {
  it('is delivered once, with the firing id as uuid, by the restarted engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookdesk-firing-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const receiver = await startTestReceiver();
    cleanups.push(() => receiver.close());

    const run = await runChild([dir, receiver.url]);
    expect({ signal: run.signal, stderr: run.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const ruleId = run.lines.find((l) => l.startsWith('rule '))?.slice(5) as string;
    const claimed = run.lines.find((l) => l.startsWith('claimed '))?.split(' ') ?? [];
    expect(claimed.slice(1, 3).concat(claimed[4] as string)).toEqual([ruleId, '7', 'true']);
    const firingId = claimed[3] as string;
    expect(run.lines).not.toContain('recorded');

    const storage = withRuleRepositories(await createStorage({ path: dir, purgeIntervalMs: 0 }));
    cleanups.push(() => storage.close());
    // What the dead process left: the claim with its firing id, the intent, the ticket, no delivery.
    expect(await storage.ruleFirings.holder(ruleId, '7')).toBe(firingId);
    expect(await storage.ruleFirings.intents(Date.now() + 1, 10)).toEqual([
      { firingId, ruleId, ticketId: '7', at: expect.any(Number) },
    ]);
    expect((await storage.tickets.get('7'))?.ticket).toMatchObject({ id: 7, priority: 'urgent' });
    expect(await triggered(storage, ruleId)).toEqual([]);

    const errors: unknown[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => errors.push(args) };
    const restart = (process: boolean) =>
      createRulesHookdesk({
        storage,
        allowCidrs: ['127.0.0.0/8'],
        sweepIntervalMs: 0,
        firingLeaseMs: 1,
        process,
        logger,
      });
    const hookdesk = restart(true);
    cleanups.push(() => hookdesk.close());
    await hookdesk.ready();

    const [request] = await receiver.waitForRequests(1, 10_000);
    expect(request?.headers['x-hookdesk-uuid']).toBe(firingId);
    expect(request?.headers['x-hookdesk-event']).toBe('smart_rule.triggered');
    expect(JSON.parse(request?.body.toString('utf8') ?? '')).toMatchObject({
      uuid: firingId,
      event: 'smart_rule.triggered',
      smart_rule: { id: ruleId, name: 'Urgent' },
      ticket: { id: 7, subject: 'Printer on fire ☃', priority: 'urgent' },
    });
    expect(await triggered(storage, ruleId)).toEqual([firingId]);
    expect(await storage.ruleFirings.intents(Date.now() + 1, 10)).toEqual([]);

    // A second reconcile, in this engine (two sweeps at once) and in another started on the same
    // store, and the ticket's next event: none fires again.
    const sweeps = await Promise.all([rulesOf(hookdesk).sweep(), rulesOf(hookdesk).sweep()]);
    expect(sweeps).toEqual([
      expect.objectContaining({ fired: 0, recovered: 0 }),
      expect.objectContaining({ fired: 0, recovered: 0 }),
    ]);
    const other = restart(false);
    cleanups.push(() => other.close());
    await other.ready();
    expect(await rulesOf(other).sweep()).toMatchObject({ fired: 0, recovered: 0 });
    expect(await hookdesk.ticketUpdated({ id: 7, subject: 'Still on fire', priority: 'urgent' })).toEqual([]);
    await until(
      async () => (await storage.log.get(firingId))?.status === 'succeeded',
      'the recovered delivery answered',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(1);
    expect(await triggered(storage, ruleId)).toEqual([firingId]);
    expect(errors).toEqual([]);
  }, 30_000);
});

describe('unfinished smart-rule firings (in one process, on a fake clock)', () => {
  it('waits for the lease, then records a stalled sweep firing once across sweeps and engines', async () => {
    const map = new Map();
    const clock = new FakeClock();
    const open = async () => withRuleRepositories(await createStorage({ store: map, purgeIntervalMs: 0 }));
    const engine = async (storage: HookdeskStorage): Promise<Hookdesk> => {
      const hookdesk = createRulesHookdesk({ storage, clock, process: false, sweepIntervalMs: 0 });
      cleanups.push(() => hookdesk.close());
      await hookdesk.ready();
      return hookdesk;
    };
    // The first engine freezes right after its claim, past the firing lease: nothing it writes
    // lands any more, the renewal of its sweep lease included.
    const stalledStorage = await open();
    let resume: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      resume = resolve;
    });
    cleanups.push(() => resume());
    let frozen = false;
    const claim = stalledStorage.ruleFirings.claim.bind(stalledStorage.ruleFirings);
    stalledStorage.ruleFirings.claim = async (ruleId, ticketId, firingId) => {
      const won = await claim(ruleId, ticketId, firingId);
      frozen = true;
      await gate;
      return won;
    };
    const addIfAbsent = stalledStorage.index.addIfAbsent.bind(stalledStorage.index);
    stalledStorage.index.addIfAbsent = async (set, member, value) => {
      if (frozen) await gate;
      return addIfAbsent(set, member, value);
    };
    const stalled = await engine(stalledStorage);
    const storage = await open();
    const [b, c] = [await engine(storage), await engine(await open())];

    const rule = await rulesOf(stalled).create({ name: 'Open over 2h', conditions: openOver2h, action });
    await stalled.ticketCreated({ id: 1, status: 'open' });
    await clock.advance(3 * HOUR);
    const stalledSweep = rulesOf(stalled).sweep();
    await until(async () => (await storage.ruleFirings.holder(rule.id, '1')) !== undefined, 'the claim');
    const firingId = (await storage.ruleFirings.holder(rule.id, '1')) as string;

    // The frozen engine holds the sweep lease: another engine's sweep waits until it lapses.
    const waiting = rulesOf(b).sweep();
    const early = await Promise.race([waiting.then(() => 'swept'), sleep(500).then(() => 'waiting')]);
    expect(early).toBe('waiting');
    await clock.advance(2 * DEFAULT_SWEEP_LEASE_MS);
    // Within the firing lease the firing is left to its process; the claim keeps others from firing.
    expect(await waiting).toMatchObject({ tickets: 1, fired: 0, recovered: 0 });
    await clock.advance(DEFAULT_FIRING_LEASE_MS - 2 * DEFAULT_SWEEP_LEASE_MS);
    expect(await rulesOf(b).sweep()).toMatchObject({ fired: 0, recovered: 0 });
    expect(await triggered(storage, rule.id)).toEqual([]);

    await clock.advance(1);
    const results = await Promise.all([rulesOf(b).sweep(), rulesOf(b).sweep()]);
    expect(results.map((r) => [r.fired, r.recovered])).toEqual([
      [0, 1],
      [0, 0],
    ]);
    expect(await rulesOf(c).sweep()).toMatchObject({ fired: 0, recovered: 0 });
    expect(await triggered(storage, rule.id)).toEqual([firingId]);
    const delivery = await storage.log.get(firingId);
    expect(JSON.parse(delivery?.body ?? '')).toMatchObject({ uuid: firingId, ticket: { id: 1 } });

    // The stalled process comes back and records its firing: the same uuid and time, so the same
    // log entry (receivers deduplicate a second send on the uuid).
    resume();
    expect(await stalledSweep).toMatchObject({ fired: 1 });
    expect(await triggered(storage, rule.id)).toEqual([firingId]);
    expect((await storage.log.get(firingId))?.createdAt).toBe(delivery?.createdAt);
    expect(await storage.ruleFirings.intents(clock.now() + 1, 10)).toEqual([]);
  });

  it('records a firing whose recording failed once the lease is over, and only once', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ process: false, sweepIntervalMs: 0 });
    const rule = await rules.create({ name: 'Open over 2h', conditions: openOver2h, action });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    await clock.advance(3 * HOUR);
    const create = storage.log.create.bind(storage.log);
    storage.log.create = async () => {
      throw new Error('store down');
    };
    await expect(rules.sweep()).rejects.toThrow('store down');
    storage.log.create = create;
    const firingId = await storage.ruleFirings.holder(rule.id, '1');
    expect(firingId).toEqual(expect.any(String));
    expect(await rules.sweep()).toMatchObject({ fired: 0, recovered: 0 });
    await clock.advance(DEFAULT_FIRING_LEASE_MS + 1);
    expect(await rules.sweep()).toMatchObject({ fired: 0, recovered: 1 });
    expect(await rules.sweep()).toMatchObject({ fired: 0, recovered: 0 });
    expect(await triggered(storage, rule.id)).toEqual([firingId]);
  });

  it('does not record again a firing whose recording failed after its log write', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ process: false, sweepIntervalMs: 0 });
    const rule = await rules.create({ name: 'Open over 2h', conditions: openOver2h, action });
    await hookdesk.ticketCreated({ id: 1, status: 'open' });
    await clock.advance(3 * HOUR);
    const schedule = storage.queue.schedule.bind(storage.queue);
    storage.queue.schedule = async () => {
      throw new Error('queue down');
    };
    await expect(rules.sweep()).rejects.toThrow('queue down');
    storage.queue.schedule = schedule;
    const [uuid] = await triggered(storage, rule.id);
    expect(await storage.ruleFirings.holder(rule.id, '1')).toBe(uuid);
    await clock.advance(DEFAULT_FIRING_LEASE_MS + 1);
    // The log holds the delivery (start-up re-queues a pending one): only the intent goes.
    expect(await rules.sweep()).toMatchObject({ fired: 0, recovered: 0 });
    expect(await triggered(storage, rule.id)).toEqual([uuid]);
    expect(await storage.ruleFirings.intents(clock.now() + 1, 10)).toEqual([]);
  });

  it('drops, sending nothing, an intent whose claim was released, is held by another firing, or whose rule is off', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ process: false, sweepIntervalMs: 0 });
    const urgent = { all: [{ field: 'priority', op: 'is', value: 'urgent' }] };
    const rule = await rules.create({ name: 'Urgent', conditions: urgent, action });
    const off = await rules.create({ name: 'Off', conditions: urgent, action, active: false });
    for (const id of [1, 2, 3]) await hookdesk.ticketCreated({ id, priority: 'low' });
    const { ruleFirings } = storage;
    const at = clock.now();
    const intents = [
      // Released: the ticket stopped matching, or the rule was deleted.
      { firingId: 'f-released', ruleId: rule.id, ticketId: '1', at },
      // Another firing won the claim.
      { firingId: 'f-lost', ruleId: rule.id, ticketId: '2', at },
      // The rule was switched off since.
      { firingId: 'f-off', ruleId: off.id, ticketId: '3', at },
    ];
    for (const intent of intents) await ruleFirings.addIntent(intent);
    await ruleFirings.claim(rule.id, '2', 'f-winner');
    await ruleFirings.claim(off.id, '3', 'f-off');
    await clock.advance(DEFAULT_FIRING_LEASE_MS + 1);
    expect(await rules.sweep()).toMatchObject({ recovered: 0 });
    expect(await ruleFirings.intents(clock.now() + 1, 10)).toEqual([]);
    expect(await storage.log.uuids({}, 10)).toEqual([]);
    expect(await ruleFirings.holder(rule.id, '2')).toBe('f-winner');
  });

  it('refuses a firingLeaseMs or sweepLeaseMs that is not a positive integer', async () => {
    await expect(harness({ firingLeaseMs: 0 })).rejects.toThrow(/`firingLeaseMs` must be a positive integer/);
    await expect(harness({ sweepLeaseMs: 1.5 })).rejects.toThrow(/`sweepLeaseMs` must be a positive integer/);
  });
});
