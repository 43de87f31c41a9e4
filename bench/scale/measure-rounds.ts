// How bench:scale measures a delivery system (delivery-systems.ts), the same code for every row:
// a round of N deliveries timed at the receiver, with the CPU every process used and the Redis
// commands run meanwhile; and event-to-receipt latency at a fixed rate.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Child } from './child-channel.js';
import { type MonitoredCommands, monitorCommands } from './command-monitor.js';
import { type CommandCount, commandsBetween, type RedisSample, sampleRedis } from './command-stats.js';
import type { DeliverySystem, Settled } from './delivery-systems.js';
import type { ReceiverStats } from './receiver-child.js';

export interface Probe {
  receiver: Child;
  /** A client on the bench's Redis, for INFO. */
  admin: Redis;
  redisUrl: string;
  db: number;
}

/** CPU seconds used in a window, by whom, and the window's length in seconds. */
export interface WindowCpu {
  /** Each delivering process (the parent, for the in-process queue). */
  workers: number[];
  receiver: number;
  redis: number;
  /** The parent: the web process, or the in-process Hookdesk itself. */
  parent: number;
  /** Every process on the machine, ours included. */
  machine: number;
  seconds: number;
}

export interface RoundResult {
  deliveries: number;
  perSecond: number;
  /** Commands while the deliveries were recorded, none delivered yet; null when it delivers at once. */
  recordCommands: CommandCount[] | null;
  /** Commands from the first delivery to the last settled (recording too, when it delivers at once). */
  deliverCommands: CommandCount[];
  /** The parent's CPU seconds while recording (the web process's share); 0 when it delivers at once. */
  recordCpu: number;
  cpu: WindowCpu;
  failed: number;
  /** Requests the receiver saw more than once for one uuid. */
  repeats: number;
  /** With `monitor`: the commands on the bench's database, by phase (record, deliver). */
  monitored: MonitoredCommands | null;
}

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** Events per second actually emitted. */
  rate: number;
  events: number;
  /** Events whose delivery never reached the receiver (the percentiles are of the others). */
  lost: number;
}

const POLL_MS = 25;
// After the last delivery settled: BullMQ finishes its job a moment later (moveToFinished).
const SETTLE_MS = 200;
// The latency round stops waiting once no delivery has arrived for this long.
const STALL_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Epoch ms that the receiver's child process can compare with its own. */
const epochNow = () => performance.timeOrigin + performance.now();
const total = (settled: Settled) => settled.succeeded + settled.failed;

async function poll(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** CPU seconds every core of this machine has spent not idle. */
function machineBusySeconds(): number {
  let ms = 0;
  for (const { times } of cpus()) ms += times.user + times.nice + times.sys + times.irq;
  return ms / 1000;
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

interface Snapshot {
  redis: RedisSample;
  workers: number[];
  receiver: number;
  parent: number;
  machine: number;
  at: number;
  settled: Settled;
}

async function snapshot(system: DeliverySystem, probe: Probe): Promise<Snapshot> {
  const [redis, workers, receiver, settled] = await Promise.all([
    sampleRedis(probe.admin),
    system.workerCpu(),
    probe.receiver.ask<number>('cpu'),
    system.settled(),
  ]);
  return {
    redis,
    workers,
    receiver,
    parent: ownCpuSeconds(),
    machine: machineBusySeconds(),
    at: performance.now(),
    settled,
  };
}

function between(a: Snapshot, b: Snapshot): WindowCpu {
  return {
    workers: b.workers.map((seconds, i) => seconds - (a.workers[i] ?? 0)),
    receiver: b.receiver - a.receiver,
    redis: b.redis.cpuSeconds - a.redis.cpuSeconds,
    parent: b.parent - a.parent,
    machine: b.machine - a.machine,
    seconds: (b.at - a.at) / 1000,
  };
}

const receiverStats = (probe: Probe) => probe.receiver.ask<ReceiverStats>('stats');

/** Waits until `count` more deliveries than `before` have arrived and settled. */
async function settle(system: DeliverySystem, probe: Probe, before: Settled, count: number): Promise<void> {
  // Generous, and bounded: 50 deliveries/s would be far below anything this bench has seen.
  const timeoutMs = 60_000 + count * 20;
  const progress = async () => {
    const [stats, settled] = await Promise.all([receiverStats(probe), system.settled()]);
    return `${stats.unique} of ${count} received, ${settled.succeeded - before.succeeded} succeeded, ${settled.failed - before.failed} not`;
  };
  try {
    await poll(async () => (await receiverStats(probe)).unique >= count, timeoutMs, `${count} receipts`);
    await poll(
      async () => total(await system.settled()) >= total(before) + count,
      timeoutMs,
      `${count} settled deliveries`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (${await progress()})`);
  }
  await sleep(SETTLE_MS);
}

/**
 * `count` deliveries. A system that holds them has them all recorded first, then released at
 * once, timed from the first receipt to the last; one that cannot hold them records and delivers
 * together, timed from the first record call to the last receipt. With `monitor`, MONITOR counts
 * the commands on the bench's database (and slows Redis: the rate is then not worth reading).
 */
export async function deliveryRound(
  system: DeliverySystem,
  probe: Probe,
  count: number,
  options: { monitor?: boolean } = {},
): Promise<RoundResult> {
  await probe.receiver.ask('reset');
  const monitor = options.monitor ? await monitorCommands(probe.redisUrl, probe.db) : null;
  try {
    const before = await snapshot(system, probe);
    let released = before;
    let startedAt = 0;
    if (system.holds) {
      await system.record(count);
      released = await snapshot(system, probe);
      await monitor?.nextPhase();
      await system.resume();
    } else {
      await monitor?.nextPhase();
      startedAt = epochNow();
      await system.record(count);
    }
    await settle(system, probe, before.settled, count);
    const after = await snapshot(system, probe);
    const monitored = (await monitor?.stop()) ?? null;
    await system.pause();
    const stats = await receiverStats(probe);
    return {
      deliveries: count,
      perSecond: system.holds
        ? ((count - 1) * 1000) / (stats.last - stats.first)
        : (count * 1000) / (stats.last - startedAt),
      recordCommands: system.holds ? commandsBetween(before.redis, released.redis) : null,
      deliverCommands: commandsBetween(released.redis, after.redis),
      recordCpu: system.holds ? released.parent - before.parent : 0,
      cpu: between(released, after),
      failed: after.settled.failed - before.settled.failed,
      repeats: stats.requests - stats.unique,
      monitored,
    };
  } catch (error) {
    await monitor?.stop().catch(() => {});
    throw error;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * Events emitted at `perSecond` for `seconds` into the running system: milliseconds from the
 * `ticketCreated()` (or `add()`) call to the delivery's arrival at the receiver, and how many
 * never arrived.
 */
export async function latencyRound(
  system: DeliverySystem,
  probe: Probe,
  perSecond: number,
  seconds: number,
): Promise<Latency> {
  await probe.receiver.ask('reset');
  await system.resume();
  const events = Math.max(1, Math.round(perSecond * seconds));
  const sent: { uuid: string; at: number }[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let emitted = 0;
  while (emitted < events) {
    // Every event whose time has come, then a sleep until the next one's.
    const due = Math.min(events, Math.floor(((performance.now() - started) * perSecond) / 1000) + 1);
    for (; emitted < due; emitted++) {
      const at = epochNow();
      pending.push(system.emit().then((uuid) => void sent.push({ uuid, at })));
    }
    await sleep(1);
  }
  const emitSeconds = (performance.now() - started) / 1000;
  await Promise.all(pending);
  const received = await receivedOrStalled(probe, events);
  await sleep(SETTLE_MS);
  const arrivals = await probe.receiver.ask<(number | null)[]>(
    'arrivals',
    sent.map(({ uuid }) => uuid),
  );
  await system.pause();
  const latencies = sent
    .flatMap(({ at }, i) => (arrivals[i] == null ? [] : [(arrivals[i] as number) - at]))
    .sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    rate: events / emitSeconds,
    events,
    lost: events - received,
  };
}

/**
 * Waits for `count` distinct deliveries at the receiver, or until none has arrived for STALL_MS:
 * a delivery that is never sent must show in the figures, not hang the bench. Resolves with how
 * many arrived.
 */
async function receivedOrStalled(probe: Probe, count: number): Promise<number> {
  const deadline = performance.now() + 60_000 + count * 20;
  let last = -1;
  let changedAt = performance.now();
  for (;;) {
    const { unique } = await receiverStats(probe);
    const now = performance.now();
    if (unique >= count || now > deadline) return unique;
    if (unique !== last) {
      last = unique;
      changedAt = now;
    } else if (now - changedAt > STALL_MS) return unique;
    await sleep(POLL_MS);
  }
}
