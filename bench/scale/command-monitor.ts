// Redis commands on one logical database, split into what clients sent and what Lua scripts ran:
// MONITOR names each command's database and source (a client's address, or `lua`), which
// `INFO commandstats` cannot. MONITOR slows the server, so run.ts uses it on a pass of its own,
// never in a timed one. A client's commands may share a round trip (ioredis pipelines, MULTI):
// "sent by clients" is an upper bound on round trips.
import { Redis } from 'ioredis';

export interface MonitoredCommands {
  /** Per command name, sent by a client, in each phase. */
  sent: Map<string, number>[];
  /** Per command name, run inside a Lua script, in each phase. */
  scripted: Map<string, number>[];
}

const MARKER = 'hookdesk-bench-scale-phase';

export interface Monitor {
  /** Starts the next phase once every command sent before this call has been counted. */
  nextPhase(): Promise<void>;
  stop(): Promise<MonitoredCommands>;
}

/** Counts the commands run on database `db` of `url` from now on, by phase (the first is 0). */
export async function monitorCommands(url: string, db: number): Promise<Monitor> {
  // ioredis opens MONITOR on a connection of its own; this one never connects.
  const base = new Redis(url, { lazyConnect: true });
  const monitor = await base.monitor();
  const counted: MonitoredCommands = { sent: [new Map()], scripted: [new Map()] };
  let phase = 0;
  let markers = 0;
  let stopped = false;
  const seen: (() => void)[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string, database: string) => {
    // MONITOR replies may still arrive after `stop` while the connection closes.
    if (stopped || Number(database) !== db) return;
    const name = String(args[0]).toLowerCase();
    // The bench's own INFO calls (command-stats.ts), not the system's.
    if (name === 'info') return;
    // The marker is an ECHO on this database: MONITOR reports commands in the order Redis ran them.
    if (name === 'echo' && args[1] === MARKER) {
      markers++;
      seen.shift()?.();
      return;
    }
    const into = (source === 'lua' ? counted.scripted : counted.sent)[phase] as Map<string, number>;
    into.set(name, (into.get(name) ?? 0) + 1);
  });
  const marker = new Redis(url);
  const nextPhase = async () => {
    const expected = markers + 1;
    const arrived = new Promise<void>((resolve) => seen.push(resolve));
    await marker.echo(MARKER);
    await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (markers < expected) throw new Error('MONITOR did not report the phase marker within 10 s');
    phase++;
    counted.sent.push(new Map());
    counted.scripted.push(new Map());
  };
  return {
    nextPhase,
    async stop() {
      try {
        await nextPhase();
      } finally {
        stopped = true;
        monitor.disconnect();
        marker.disconnect();
        base.disconnect();
      }
      counted.sent.pop();
      counted.scripted.pop();
      return counted;
    },
  };
}
