// Where a delivery's CPU goes (issue 3): the throughput loop of run.ts on the in-memory store, run
// again with one group of storage calls made free each time, beside the raw undici baseline of the
// same run. "Made free" replaces the repository methods with ones that do nothing and answer what
// the engine expects; the deliveries still go out, signed, to the loopback receiver. A measuring
// tool, not a mode of the engine: the differences between rows are what each group costs.
// `pnpm --filter @hookdesk/bench bench:dispatch:breakdown`. Loopback only.
import { createHookdesk } from '@hookdesk/core';
import { installSmartRules, smartRuleStorage } from '@hookdesk/smart-rules';
import { createStorage, type DeliveryRecord, type HookdeskStorage } from '@hookdesk/storage';
import { baseline, IN_FLIGHT, type Receiver, startReceiver, throughput } from './loopback.js';
import { signedRequest } from './signed-request.js';

// Issue 13: CPU per event in memory at most this many times the raw request's.
const CPU_TARGET = 2.4;

type Group = 'ticket state' | 'queue' | 'attempt records' | 'delivery records';

/** Makes one group of storage calls free on this storage instance. */
function makeFree(storage: HookdeskStorage, group: Group): void {
  switch (group) {
    case 'ticket state':
      smartRuleStorage(storage).tickets.get = async () => undefined;
      smartRuleStorage(storage).tickets.put = async () => {};
      return;
    case 'queue':
      storage.queue.schedule = async () => {};
      storage.queue.remove = async () => {};
      return;
    case 'attempt records':
      // The engine passes the record it wrote itself; the answer is that record, moved on.
      storage.log.recordAttempt = async (_uuid, attempt, outcome, current) => ({
        ...(current as DeliveryRecord),
        status: outcome.status,
        attemptCount: attempt.number,
      });
      return;
    case 'delivery records':
      storage.log.create = async () => {};
      return;
  }
}

async function cpuMicrosPerEvent(receiver: Receiver, free: readonly Group[]): Promise<number> {
  const storage = await createStorage({ store: 'memory' });
  for (const group of free) makeFree(storage, group);
  const hookdesk = createHookdesk({
    storage,
    allowPrivateNetworks: true,
    concurrencyPerWebhook: IN_FLIGHT,
    concurrency: 200,
  });
  // Smart rules installed (none defined), as before they were a package of their own: each event
  // still keeps its ticket's state, the 'ticket state' row.
  installSmartRules(hookdesk);
  await hookdesk.ready();
  await hookdesk.createWebhook({ url: receiver.url, events: ['ticket.created'] });
  const { perCpuSecond } = await throughput(hookdesk);
  await hookdesk.close();
  await storage.close();
  return 1e6 / perCpuSecond;
}

const receiver = await startReceiver();
try {
  const base = 1e6 / (await baseline(receiver)).perCpuSecond;
  const signed = 1e6 / (await signedRequest(receiver)).perCpuSecond;
  const groups: Group[] = ['ticket state', 'queue', 'attempt records', 'delivery records'];
  // One untimed round first: the engine's code is compiled by then for every row alike.
  await cpuMicrosPerEvent(receiver, []);
  const full = await cpuMicrosPerEvent(receiver, []);
  const rows: [string, number][] = [['Hookdesk, in-memory store', full]];
  const free: Group[] = [];
  for (const group of groups) {
    free.push(group);
    rows.push([`  … and ${group} free`, await cpuMicrosPerEvent(receiver, free)]);
  }
  const load = (await import('node:os')).loadavg()[0]?.toFixed(1);
  console.log(
    `\nDispatch CPU breakdown (Node ${process.version}, load average ${load}), µs of CPU per event\n`,
  );
  console.log(`${'raw undici Pool POST (baseline)'.padEnd(44)}${base.toFixed(0).padStart(6)}`);
  console.log(
    `${'signed request alone, no storage'.padEnd(44)}${signed.toFixed(0).padStart(6)}  (${(signed / base).toFixed(2)}× the baseline: the wire contract's own cost)`,
  );
  console.log(
    `${`target: ≤ ${CPU_TARGET}× the baseline`.padEnd(44)}${(CPU_TARGET * base).toFixed(0).padStart(6)}`,
  );
  let previous = full;
  for (const [name, micros] of rows) {
    const saved =
      micros === full
        ? ''
        : `  (${(previous - micros).toFixed(0)} µs for ${name.replace(/.*and | free/g, '')})`;
    console.log(`${name.padEnd(44)}${micros.toFixed(0).padStart(6)}${saved}`);
    previous = micros;
  }
  const ratio = full / base;
  console.log(
    `\nHookdesk in memory: ${ratio.toFixed(2)}× the raw request's CPU per event, target ≤ ${CPU_TARGET}×: ${ratio <= CPU_TARGET ? 'ok' : 'MISSED'}`,
  );
  if (ratio > CPU_TARGET && process.env.BENCH_STRICT === '1') process.exitCode = 1;
} finally {
  receiver.close();
}
