// Scale-out benchmark (issue 14), one run against one local receiver (its own process):
//   1. bare BullMQ workers, 1, 2 and 4 processes: a Worker POSTing the job's JSON body with undici
//      (no signing, no log), jobs added with addBulk: the baseline each Hookdesk row is judged by;
//   2. Hookdesk on BullMQ: deliveries recorded by a web Hookdesk (`process: false`) on a Redis
//      store, delivered by 1, 2 and 4 `startWorker` processes; target ≥ 0.6× the bare workers;
//   3. the in-process queue: one Hookdesk (`process: true`) on the same Redis, recording and
//      delivering (it cannot hold deliveries back, so it is timed from its first record call);
//   4. event-to-receipt latency at a fixed rate with 2 worker processes, bare and Hookdesk;
//   5. Redis commands per delivery: INFO commandstats around each timed round, and MONITOR on the
//      bench's database in a pass of its own (sent by clients vs run inside Lua scripts).
// Each BullMQ row has its deliveries recorded (or enqueued) while its queue is paused, then
// released at once and timed from the first receipt to the last, after a warm-up round.
// `pnpm --filter @hookdesk/bench bench:scale` (after `pnpm build`); BENCH_STRICT=1 exits 1 when the
// target is missed. Sizes: HOOKDESK_BENCH_SCALE_* (bench/README.md). Loopback only; every queue
// and namespace is removed after.
import { availableParallelism, loadavg } from 'node:os';
import { REDIS_URL, reachable } from '@hookdesk/test-support';
import { Redis } from 'ioredis';
import { spawnChild } from './child-channel.js';
import type { MonitoredCommands } from './command-monitor.js';
import {
  type CommandCount,
  commandsBetween,
  describeCounts,
  sampleRedis,
  totalCalls,
} from './command-stats.js';
import {
  type BenchEnv,
  bareSystem,
  type DeliverySystem,
  hookdeskSystem,
  inProcessSystem,
} from './delivery-systems.js';
import { deliveryRound, type Latency, latencyRound, type Probe, type RoundResult } from './measure-rounds.js';

// Issue 14's target: Hookdesk's workers against bare BullMQ workers, same count, same run.
const RATIO_TARGET = 0.6;
// The bench's own logical database: its keys stay apart from the suites' (database 0), and
// MONITOR can tell its commands from theirs. INFO's counters are the whole server's whatever it is.
const BENCH_DB = 9;

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a whole number from 1, got "${text}".`);
  return value;
}

const N = positiveInt('HOOKDESK_BENCH_SCALE_N', 5_000);
const WARMUP = positiveInt('HOOKDESK_BENCH_SCALE_WARMUP', 500);
const CONCURRENCY = positiveInt('HOOKDESK_BENCH_SCALE_CONCURRENCY', 50);
const RATE = positiveInt('HOOKDESK_BENCH_SCALE_RATE', 500);
const SECONDS = positiveInt('HOOKDESK_BENCH_SCALE_SECONDS', 10);
const LATENCY_WORKERS = positiveInt('HOOKDESK_BENCH_SCALE_LATENCY_WORKERS', 2);
const MONITOR_N = positiveInt('HOOKDESK_BENCH_SCALE_MONITOR_N', 500);
// Timed rounds per row, taken in turn with the other rows of its worker count; the median is kept.
const ROUNDS = positiveInt('HOOKDESK_BENCH_SCALE_ROUNDS', 3);
const WORKERS = (process.env.HOOKDESK_BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map((text) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(
      `HOOKDESK_BENCH_SCALE_WORKERS is a list of worker counts such as 1,2,4, got "${text}".`,
    );
  }
  return value;
});

function benchRedisUrl(): { url: string; db: number } {
  const url = new URL(process.env.HOOKDESK_BENCH_SCALE_REDIS_URL ?? REDIS_URL);
  if (url.pathname.length <= 1) url.pathname = `/${BENCH_DB}`;
  return { url: url.href, db: Number(url.pathname.slice(1)) };
}

type Kind = 'bare' | 'signed' | 'hookdesk' | 'in-process';

interface Row {
  kind: Kind;
  workers: number;
  round: RoundResult;
  latency: Latency | null;
  /** The MONITOR pass: commands on the bench's database by phase (record, deliver). */
  monitored: MonitoredCommands;
}

function open(kind: Kind, env: BenchEnv, workers: number): Promise<DeliverySystem> {
  if (kind === 'bare') return bareSystem(env, workers);
  if (kind === 'signed') return bareSystem(env, workers, { signed: true });
  if (kind === 'hookdesk') return hookdeskSystem(env, workers);
  return inProcessSystem(env);
}

async function measureRow(kind: Kind, env: BenchEnv, probe: Probe, workers: number): Promise<Row> {
  const system = await open(kind, env, workers);
  try {
    // Discarded: every process's code is compiled and its connections are open by the timed round.
    await deliveryRound(system, probe, WARMUP);
    const round = await deliveryRound(system, probe, N);
    const latency =
      (kind === 'bare' || kind === 'hookdesk') && workers === LATENCY_WORKERS
        ? await latencyRound(system, probe, RATE, SECONDS)
        : null;
    const { monitored } = await deliveryRound(system, probe, MONITOR_N, { monitor: true });
    return { kind, workers, round, latency, monitored: monitored as MonitoredCommands };
  } finally {
    await system.close();
  }
}

/**
 * The rows of one worker count, measured in turn: every system open at once, then `ROUNDS` timed
 * rounds of each, one system after another, so a change in the machine's load falls on all of
 * them alike; each row keeps its median round (by rate).
 */
async function measureInTurn(
  kinds: readonly Kind[],
  env: BenchEnv,
  probe: Probe,
  workers: number,
): Promise<Row[]> {
  const systems: DeliverySystem[] = [];
  try {
    for (const kind of kinds) systems.push(await open(kind, env, workers));
    for (const system of systems) await deliveryRound(system, probe, WARMUP);
    const rounds: RoundResult[][] = kinds.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [at, system] of systems.entries()) rounds[at]!.push(await deliveryRound(system, probe, N));
    }
    const rows: Row[] = [];
    for (const [at, kind] of kinds.entries()) {
      const system = systems[at] as DeliverySystem;
      const sorted = [...(rounds[at] as RoundResult[])].sort((a, b) => a.perSecond - b.perSecond);
      const round = sorted[Math.floor(sorted.length / 2)] as RoundResult;
      const latency =
        (kind === 'bare' || kind === 'hookdesk') && workers === LATENCY_WORKERS
          ? await latencyRound(system, probe, RATE, SECONDS)
          : null;
      const { monitored } = await deliveryRound(system, probe, MONITOR_N, { monitor: true });
      rows.push({ kind, workers, round, latency, monitored: monitored as MonitoredCommands });
    }
    return rows;
  } finally {
    for (const system of systems) await system.close();
  }
}

/** Commands per second other clients of this Redis ran over one second with nothing of ours running. */
async function otherTraffic(admin: Redis): Promise<number> {
  const before = await sampleRedis(admin);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return totalCalls(commandsBetween(before, await sampleRedis(admin)));
}

function label(row: Row): string {
  const processes = `${row.workers} worker${row.workers === 1 ? '' : 's'}`;
  if (row.kind === 'bare') return `bare BullMQ + undici, ${processes}`;
  if (row.kind === 'signed') return `  same, signed per docs/wire.md, ${processes}`;
  if (row.kind === 'hookdesk') return `Hookdesk on BullMQ, ${processes}`;
  return 'in-process queue, 1 process';
}

const micros = (seconds: number, deliveries: number) => ((seconds * 1e6) / deliveries).toFixed(0);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const perDelivery = (counts: readonly CommandCount[], deliveries: number) =>
  (totalCalls(counts) / deliveries).toFixed(1);

function counts(phase: Map<string, number> | undefined): CommandCount[] {
  return [...(phase ?? new Map<string, number>())]
    .map(([name, calls]) => ({ name, calls, usec: 0 }))
    .sort((a, b) => b.calls - a.calls);
}

/** A monitored row's phases: record and deliver, or one for a system that does both at once. */
function phases(row: Row): { name: string; sent: CommandCount[]; scripted: CommandCount[] }[] {
  const { sent, scripted } = row.monitored;
  const phase = (name: string, at: number) => ({
    name,
    sent: counts(sent[at]),
    scripted: counts(scripted[at]),
  });
  return row.kind === 'in-process'
    ? [phase('record + deliver', 1)]
    : [phase('record', 0), phase('deliver', 1)];
}

/** What held the row back, read from where the CPU went (bench/README.md, "bench:scale"). */
function limitedBy(row: Row, cores: number, ours: number): string {
  const { cpu } = row.round;
  if (cpu.machine / cpu.seconds >= 0.9 * cores) {
    return ours < 0.75 * cpu.machine ? 'CPU, much of it other work' : 'CPU: every core busy';
  }
  if (cpu.redis / cpu.seconds >= 0.9) return 'Redis: its one core busy';
  if (Math.max(...cpu.workers) / cpu.seconds >= 0.9) return 'one delivering process busy';
  return 'waits: no CPU full';
}

function table(rows: readonly string[][]): string {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main() {
  const { url: redisUrl, db } = benchRedisUrl();
  if (!(await reachable(redisUrl, 6379))) {
    throw new Error(
      `bench:scale needs Redis: nothing answers at ${redisUrl}. Set HOOKDESK_BENCH_SCALE_REDIS_URL.`,
    );
  }
  const admin = new Redis(redisUrl);
  const receiver = spawnChild('scale/receiver-child.ts', null);
  const rows: Row[] = [];
  const traffic: number[] = [];
  try {
    const { url: receiverUrl } = (await receiver.ready) as { url: string };
    const env: BenchEnv = {
      redisUrl,
      admin,
      receiverUrl,
      concurrency: CONCURRENCY,
      perWebhook: CONCURRENCY * Math.max(...WORKERS),
    };
    const probe: Probe = { receiver, admin, redisUrl, db };
    traffic.push(await otherTraffic(admin));
    // Bare and Hookdesk side by side for each count: a change in the machine's load hits both.
    for (const workers of WORKERS) {
      rows.push(...(await measureInTurn(['bare', 'signed', 'hookdesk'], env, probe, workers)));
    }
    rows.push(await measureRow('in-process', env, probe, 1));
    traffic.push(await otherTraffic(admin));
    const version = /^redis_version:(\S+)/m.exec(await admin.info('server'))?.[1] ?? '?';
    report(rows, { redisUrl, db, version, traffic });
  } finally {
    await receiver.stop();
    admin.disconnect();
  }
}

function report(
  rows: readonly Row[],
  redis: { redisUrl: string; db: number; version: string; traffic: number[] },
) {
  const cores = availableParallelism();
  const bare = (workers: number) => rows.find((row) => row.kind === 'bare' && row.workers === workers);
  const signed = (workers: number) => rows.find((row) => row.kind === 'signed' && row.workers === workers);
  const { host } = new URL(redis.redisUrl);
  console.log(
    `\nScale-out on BullMQ (issue 14): Node ${process.version}, ${cores} cores, load average ` +
      `${loadavg()[0]?.toFixed(1)}, Redis ${redis.version} at ${host} db ${redis.db}`,
  );
  console.log(
    `${N} deliveries a round after ${WARMUP} to warm up, ${CONCURRENCY} in flight per delivering process, ` +
      `one webhook, a 2 KB ticket.\nBullMQ rows: the median of ${ROUNDS} rounds, taken in turn with the other ` +
      'rows of the worker count; each recorded while the queue is paused, then released, timed from ' +
      'the first receipt to the last.\nIn-process row: records and delivers at once, timed from the first ' +
      'ticketCreated() call to the last receipt.\n',
  );
  const missed: string[] = [];
  const lines = [
    [
      '',
      'deliveries/s',
      'vs bare',
      `≥ ${RATIO_TARGET}×`,
      'vs signed',
      'CPU µs/delivery: workers, Redis, receiver',
      'web µs',
      `cores busy: ours, all (of ${cores})`,
      'Redis cmds/delivery: INFO',
      `db ${redis.db}: sent, in scripts`,
      'limited by',
    ],
  ];
  for (const row of rows) {
    const { round } = row;
    // The in-process row is timed another way (it records too): no ratio to the bare workers.
    const base = row.kind === 'hookdesk' ? bare(row.workers) : undefined;
    const ratio = base ? round.perSecond / base.round.perSecond : null;
    const verdict = ratio === null ? '' : ratio >= RATIO_TARGET ? 'pass' : 'MISS';
    const floor = row.kind === 'hookdesk' ? signed(row.workers) : undefined;
    const ofSigned = floor ? `${(round.perSecond / floor.round.perSecond).toFixed(2)}×` : '';
    if (verdict === 'MISS') missed.push(label(row));
    const { cpu } = round;
    const inParent = row.kind === 'in-process';
    const ours = sum(cpu.workers) + cpu.receiver + cpu.redis + (inParent ? 0 : cpu.parent);
    const monitored = phases(row);
    lines.push([
      label(row),
      round.perSecond.toFixed(0),
      ratio === null ? '' : `${ratio.toFixed(2)}×`,
      verdict,
      row.kind === 'signed' && base === undefined && bare(row.workers)
        ? `(${(round.perSecond / (bare(row.workers) as Row).round.perSecond).toFixed(2)}× bare)`
        : ofSigned,
      [sum(cpu.workers), cpu.redis, cpu.receiver].map((s) => micros(s, round.deliveries)).join(', '),
      inParent ? '' : micros(round.recordCpu, round.deliveries),
      `${(ours / cpu.seconds).toFixed(2)}, ${(cpu.machine / cpu.seconds).toFixed(2)}`,
      [round.recordCommands, round.deliverCommands]
        .flatMap((phase) => (phase ? [perDelivery(phase, round.deliveries)] : []))
        .join(' + '),
      monitored
        .map((phase) => `${perDelivery(phase.sent, MONITOR_N)}, ${perDelivery(phase.scripted, MONITOR_N)}`)
        .join(' + '),
      limitedBy(row, cores, ours),
    ]);
  }
  console.log(table(lines));
  console.log(
    'Commands are per delivery and phase, record + deliver (the in-process row has one phase). INFO: ' +
      "the whole server's commandstats in the timed round, Lua scripts' own commands included, other " +
      `clients' too (${redis.traffic.map((rate) => rate.toFixed(0)).join(' and ')} commands/s before and ` +
      `after the bench). db ${redis.db}: MONITOR in a pass of ${MONITOR_N} deliveries, not timed; ` +
      'a client may pipeline several commands in one round trip.',
  );

  const latencies = rows.filter((row) => row.latency);
  if (latencies.length > 0) {
    console.log(
      `\nEvent-to-receipt latency, ${RATE} events/s for ${SECONDS} s, ${LATENCY_WORKERS} worker processes ` +
        '(from the ticketCreated() or add() call to the arrival):',
    );
    console.log(
      table([
        ['', 'events/s', 'p50 ms', 'p99 ms', 'max ms', 'never arrived'],
        ...latencies.map((row) => {
          const l = row.latency as Latency;
          return [
            label(row),
            l.rate.toFixed(0),
            l.p50.toFixed(1),
            l.p99.toFixed(1),
            l.max.toFixed(1),
            l.lost === 0 ? '0' : `${l.lost} of ${l.events} LOST`,
          ];
        }),
      ]),
    );
    if (latencies.some((row) => (row.latency as Latency).lost > 0)) {
      missed.push('latency: deliveries lost');
      console.log(
        'A lost delivery was recorded and its job completed, but it was never sent: a worker took the ' +
          "job before the web process's log write had landed and found no pending record (the log stays " +
          'pending; only a later start-up recovery queues it again). The percentiles are of the others.',
      );
    }
  } else {
    console.log(`\nNo latency row: HOOKDESK_BENCH_SCALE_WORKERS has no ${LATENCY_WORKERS}.`);
  }

  console.log('\nMost called, per delivery: INFO commandstats in the timed round (whole server)');
  for (const row of rows) {
    const { round } = row;
    const parts = round.recordCommands
      ? [
          `record ${describeCounts(round.recordCommands, round.deliveries, 5)}`,
          `deliver ${describeCounts(round.deliverCommands, round.deliveries)}`,
        ]
      : [`record + deliver ${describeCounts(round.deliverCommands, round.deliveries)}`];
    console.log(`  ${label(row)}: ${parts.join('; ')}`);
  }
  console.log(`Most called, per delivery: db ${redis.db} by MONITOR, sent by clients | run in scripts`);
  for (const row of rows) {
    const parts = phases(row).map(
      (phase) =>
        `${phase.name} ${describeCounts(phase.sent, MONITOR_N, 6)} | ${describeCounts(phase.scripted, MONITOR_N, 4)}`,
    );
    console.log(`  ${label(row)}: ${parts.join('; ')}`);
  }

  for (const row of rows) {
    const { round } = row;
    if (round.failed > 0 || round.repeats > 0) {
      console.log(
        `\nnote: ${label(row)}: ${round.failed} attempts did not succeed, ${round.repeats} requests repeated a uuid.`,
      );
    }
  }
  if (missed.length > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

await main();
