import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createRulesHookdesk, rulesOf } from './support/setup.js';

const describeRedis = await describeWithService('redis', describe);
const fixture = fileURLToPath(new URL('./fixtures/sweep-lease-child.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Sweeper {
  child: ChildProcess;
  name: string;
  lines: string[];
  stderr: () => string;
}

function sweeper(namespace: string, name: string, intervalMs: number, leaseMs: number, pageDelayMs: number) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      fixture,
      REDIS_URL,
      namespace,
      name,
      String(intervalMs),
      String(leaseMs),
      String(pageDelayMs),
    ],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const s: Sweeper = { child, name, lines: [], stderr: () => stderr };
  let stderr = '';
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    s.lines.push(...parts);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return s;
}

/** Every sweep's [begin, end] by process; a sweep still open ends at `cutOff` (its process was killed). */
function sweepsOf(sweepers: Sweeper[], cutOff: Map<string, number>) {
  const sweeps: { name: string; begin: number; end: number }[] = [];
  for (const s of sweepers) {
    let begin: number | undefined;
    for (const line of s.lines) {
      const [what, , at] = line.split(' ');
      if (what === 'begin') begin = Number(at);
      if (what === 'end' && begin !== undefined) {
        sweeps.push({ name: s.name, begin, end: Number(at) });
        begin = undefined;
      }
    }
    if (begin !== undefined) sweeps.push({ name: s.name, begin, end: cutOff.get(s.name) ?? Date.now() });
  }
  return sweeps.sort((a, b) => a.begin - b.begin);
}

async function seed(namespace: string, tickets: number) {
  const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace, purgeIntervalMs: 0 }));
  const hookdesk = createRulesHookdesk({ storage, process: false, sweepIntervalMs: 0 });
  await hookdesk.ready();
  // A time condition, so every sweep reads the tickets; none is old enough to fire.
  await rulesOf(hookdesk).create({
    name: 'Open over 2h',
    conditions: {
      all: [
        { field: 'status', op: 'is', value: 'open' },
        { time: 'since_created', op: 'gt', hours: 2, clock: 'calendar' },
      ],
    },
    action: { type: 'trigger_webhook', url: 'https://example.com/rule' },
  });
  for (let id = 1; id <= tickets; id++) await hookdesk.ticketCreated({ id, status: 'open' });
  return {
    close: async () => {
      await hookdesk.close();
      await storage.close();
    },
  };
}

async function started(sweepers: Sweeper[]) {
  await until(
    () => sweepers.every((s) => s.lines.includes('ready')),
    `every sweeper ready (${sweepers.map((s) => s.stderr()).join('')})`,
    20_000,
  );
}

describeRedis('the smart-rule sweep across processes on one Redis store', () => {
  it('runs in one process at a time, and a process killed mid-sweep hands over within 1.5 leases', async () => {
    const namespace = `hookdesk-sweep-lease-${randomUUID()}`;
    const seeded = await seed(namespace, 4);
    const [INTERVAL, LEASE, PAGE] = [300, 600, 150];
    try {
      // Four pages of 150 ms: each sweep outlasts its interval and half a lease, so it renews.
      const sweepers = ['a', 'b', 'c'].map((name) => sweeper(namespace, name, INTERVAL, LEASE, PAGE));
      await started(sweepers);
      await sleep(3_000);
      const sweeping = () => {
        for (const s of sweepers)
          if (
            s.lines.filter((l) => l.startsWith('begin')).length >
            s.lines.filter((l) => l.startsWith('end')).length
          )
            return s;
        return undefined;
      };
      await until(() => sweeping() !== undefined, 'a process in the middle of a sweep', 5_000);
      const victim = sweeping() as Sweeper;
      victim.child.kill('SIGKILL');
      const killedAt = Date.now();
      await sleep(3_000);

      const sweeps = sweepsOf(sweepers, new Map([[victim.name, killedAt]]));
      for (let i = 1; i < sweeps.length; i++) {
        const [before, after] = [sweeps[i - 1]!, sweeps[i]!];
        expect(
          after.begin,
          `${after.name}'s sweep began before ${before.name}'s ended`,
        ).toBeGreaterThanOrEqual(before.end);
      }
      expect(new Set(sweeps.map((s) => s.name)).size).toBeGreaterThan(1);
      const next = sweeps.find((s) => s.begin > killedAt);
      expect(next, 'a sweep after the kill').toBeDefined();
      // The dead holder's turns lapse within 1.5 leases; the others' timers try every interval.
      expect((next as { begin: number }).begin - killedAt).toBeLessThanOrEqual(
        1.5 * LEASE + 2 * INTERVAL + 500,
      );
      for (const s of sweepers) expect(s.stderr()).toBe('');
    } finally {
      await seeded.close();
    }
  }, 60_000);

  it('sweeps about once per interval in all, not once per process', async () => {
    const namespace = `hookdesk-sweep-intervals-${randomUUID()}`;
    const seeded = await seed(namespace, 2);
    const INTERVAL = 250;
    try {
      const sweepers = ['a', 'b', 'c'].map((name) => sweeper(namespace, name, INTERVAL, 2_000, 5));
      await started(sweepers);
      const from = Date.now();
      await sleep(3_000);
      const to = Date.now();
      const sweeps = sweepsOf(sweepers, new Map()).filter((s) => s.begin >= from && s.begin < to);
      // Three timers would sweep 3 × 12 times in 3 s; the interval claims leave one per interval.
      expect(sweeps.length).toBeGreaterThanOrEqual(3);
      expect(sweeps.length).toBeLessThanOrEqual(Math.ceil((to - from) / INTERVAL) + 1);
      for (const s of sweepers) expect(s.stderr()).toBe('');
    } finally {
      await seeded.close();
    }
  }, 60_000);
});
