// Per-event cost of smart rules inside the engine: `hookdesk.ticketUpdated` on the in-memory storage
// with 100 active rules, with none, and the bare `emit` (the path without smart rules), so the
// difference is what rule evaluation and ticket-state bookkeeping add to one event; then one sweep of
// the 100 rules through the engine over 10,000 and 100,000 stored open tickets.
// `pnpm --filter @hookdesk/bench exec tsx rules/engine.ts`
import { performance } from 'node:perf_hooks';
import { createHookdesk, type Hookdesk } from '../../packages/core/src/index.js';
import {
  installSmartRules,
  type SmartRules,
  smartRuleStorage,
} from '../../packages/smart-rules/src/index.js';
import { createStorage } from '../../packages/storage/src/index.js';

const RULES = 100;
const TICKETS = 1_000;
const EVENTS = 5_000;
const WARMUP = 1_000;
const SWEEP_ROUNDS = 5;
const STATUSES = ['new', 'open', 'pending', 'on_hold'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const CATEGORIES = ['billing', 'tech', 'sales', 'hardware'];

const installed = new WeakMap<Hookdesk, SmartRules>();

async function engine(rules: number, storage?: Awaited<ReturnType<typeof createStorage>>): Promise<Hookdesk> {
  storage ??= await createStorage({ store: 'memory', purgeIntervalMs: 0 });
  const hookdesk = createHookdesk({ storage, process: false });
  const smartRules = installSmartRules(hookdesk, { sweepIntervalMs: 0 });
  installed.set(hookdesk, smartRules);
  await hookdesk.ready();
  for (let i = 0; i < rules; i++) {
    await smartRules.create({
      name: `Rule ${i}`,
      categories: i % 3 === 0 ? [CATEGORIES[i % 4] as string] : [],
      workSchedule:
        i % 2 === 0
          ? { timeZone: 'Europe/Berlin', hours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] } }
          : null,
      conditions: {
        all: [
          { field: 'status', op: 'is', value: STATUSES[i % 4] },
          { field: 'custom_fields.plan', op: 'is', value: 'never' },
          {
            any: [
              { field: 'status', op: 'changed_to', value: 'pending' },
              { field: 'tags', op: 'contains', value: 'vip' },
            ],
          },
          {
            time: 'since_updated',
            op: 'gt',
            hours: 4 + (i % 24),
            clock: i % 2 === 0 ? 'working' : 'calendar',
          },
        ],
      },
      action: { type: 'trigger_webhook', url: 'https://example.com/rule' },
    });
  }
  return hookdesk;
}

function ticket(i: number) {
  return {
    id: i % TICKETS,
    status: STATUSES[i % 4],
    priority: PRIORITIES[(i >> 2) % 4],
    category: CATEGORIES[(i >> 4) % 4],
    tags: i % 7 === 0 ? ['vip'] : [],
    custom_fields: { plan: 'pro', seats: i % 50 },
  };
}

interface Figures {
  p50: number;
  p99: number;
  cpuP50: number;
  cpuP99: number;
}

// CPU time of the process as well as wall time: on a loaded shared machine the scheduler, not the
// code, sets the wall-clock p99 (the same reason bench/rules/run.ts times events in CPU). But the
// process's CPU time also counts V8's background compiler and GC threads, which run beside an
// event: its CPU p99 can exceed the wall p99 (1.15 vs 0.55 ms here). On a quiet machine the wall
// column is the event's cost; `node --single-threaded` puts both on one thread and they agree.
async function measure(run: (i: number) => Promise<unknown>): Promise<Figures> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await run(WARMUP + i);
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const at = (list: number[], q: number) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  };
  return { p50: at(walls, 0.5), p99: at(walls, 0.99), cpuP50: at(cpus, 0.5), cpuP99: at(cpus, 0.99) };
}

const withRules = await engine(RULES);
const withoutRules = await engine(0);
const rows = {
  [`ticketUpdated, ${RULES} active rules`]: await measure((i) =>
    withRules.ticketUpdated(ticket(i), { previous: ticket(i - 1) }),
  ),
  'ticketUpdated, no rules': await measure((i) =>
    withoutRules.ticketUpdated(ticket(i), { previous: ticket(i - 1) }),
  ),
  'emit only (no smart-rule step)': await measure((i) =>
    withoutRules.emit('ticket.updated', { ticket: ticket(i), previous: ticket(i - 1) }),
  ),
};
console.log(`one ticket event on the in-memory storage, ${EVENTS} events over ${TICKETS} tickets (ms)`);
const f = (n: number) => n.toFixed(3).padStart(7);
console.log(`${''.padEnd(36)}   CPU p50     p99   wall p50     p99`);
for (const [name, r] of Object.entries(rows)) {
  console.log(`${name.padEnd(36)} ${f(r.cpuP50)} ${f(r.cpuP99)}    ${f(r.p50)} ${f(r.p99)}`);
}
const base = rows['emit only (no smart-rule step)'] as Figures;
const full = rows[`ticketUpdated, ${RULES} active rules`] as Figures;
console.log(
  `added at p99 by ${RULES} rules and ticket state: ${(full.cpuP99 - base.cpuP99).toFixed(3)} ms CPU, ${(full.p99 - base.p99).toFixed(3)} ms wall (target ≤ 1 ms)`,
);

// A sweep through the engine: the pure sweep plus reading every open ticket's state from storage.
for (const open of [10_000, 100_000]) {
  const storage = await createStorage({ store: 'memory', purgeIntervalMs: 0 });
  const hookdesk = await engine(RULES, storage);
  for (let i = 0; i < open; i++) {
    await smartRuleStorage(storage).tickets.put({
      id: String(i),
      ticket: { ...ticket(i), id: i },
      createdAt: Date.now() - (i % 500) * 3_600_000,
      updatedAt: Date.now() - (i % 300) * 3_600_000,
      statusChangedAt: null,
      dueAt: null,
      closedAt: null,
      firedRules: [],
    });
  }
  await (installed.get(hookdesk) as SmartRules).sweep();
  // The median of several sweeps, as bench/rules/run.ts reports: one sweep alone swings by half
  // with where the collector happens to run.
  const cpus: number[] = [];
  const walls: number[] = [];
  let fired = 0;
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    fired += (await (installed.get(hookdesk) as SmartRules).sweep()).fired;
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
    walls.push(performance.now() - start);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
  console.log(
    `sweep through the engine, ${RULES} rules × ${open} open tickets (in-memory storage), median of ${SWEEP_ROUNDS}: ${median(cpus).toFixed(0)} ms CPU (${Math.min(...cpus).toFixed(0)}–${Math.max(...cpus).toFixed(0)}), ${median(walls).toFixed(0)} ms wall (${fired} fired)`,
  );
  await hookdesk.close();
}
await withRules.close();
await withoutRules.close();
