// What the Redis server did between two samples: `INFO commandstats` (calls and µs per command)
// and `INFO cpu`. Both are server-wide: a logical database does not separate them, so other
// clients' traffic in the window is counted too (run.ts measures how much there is). Commands a
// Lua script runs are counted as well as the EVALSHA that ran them; command-monitor.ts tells the two apart.
import type { Redis } from 'ioredis';

export interface RedisSample {
  /** Per command (`get`, `evalsha`, `client|list`): calls and µs spent in it. */
  commands: Map<string, { calls: number; usec: number }>;
  /** CPU seconds the server has used (user + system, main thread where Redis reports it). */
  cpuSeconds: number;
}

export interface CommandCount {
  name: string;
  calls: number;
  usec: number;
}

/** Commands the bench itself sends to read the counters, left out of every difference. */
const OWN = new Set(['info']);

export async function sampleRedis(client: Redis): Promise<RedisSample> {
  const [stats, cpu] = await Promise.all([client.info('commandstats'), client.info('cpu')]);
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const match of stats.matchAll(/^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/gm)) {
    commands.set(match[1] as string, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? Number.NaN);
  const main = field('used_cpu_user_main_thread') + field('used_cpu_sys_main_thread');
  return {
    commands,
    cpuSeconds: Number.isNaN(main) ? field('used_cpu_user') + field('used_cpu_sys') : main,
  };
}

/** Commands run between `before` and `after`, most called first. */
export function commandsBetween(before: RedisSample, after: RedisSample): CommandCount[] {
  const counts: CommandCount[] = [];
  for (const [name, { calls, usec }] of after.commands) {
    if (OWN.has(name)) continue;
    const earlier = before.commands.get(name) ?? { calls: 0, usec: 0 };
    if (calls > earlier.calls) counts.push({ name, calls: calls - earlier.calls, usec: usec - earlier.usec });
  }
  return counts.sort((a, b) => b.calls - a.calls);
}

export function totalCalls(counts: readonly CommandCount[]): number {
  return counts.reduce((sum, count) => sum + count.calls, 0);
}

/** `evalsha 2.0, hget 1.0, …`: the `top` most called, per delivery. */
export function describeCounts(counts: readonly CommandCount[], deliveries: number, top = 8): string {
  if (counts.length === 0) return 'none';
  return counts
    .slice(0, top)
    .map(({ name, calls }) => `${name} ${(calls / deliveries).toFixed(1)}`)
    .join(', ');
}
