import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { until } from '@hookdesk/test-support';
import { afterEach, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/dispatch-child.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  return { child, lines, stderr: () => stderr, exited };
}

it('loses no recorded delivery when the process is killed with SIGKILL mid-delivery', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookdesk-kill-'));
  dirs.push(dir);
  let phase = 1;
  const answered: { uuid: string; status: number; at: number }[] = [];
  const receiver = await startTestReceiver({
    respond: (request, index) => {
      const uuid = request.headers['x-hookdesk-uuid'] as string;
      // First run: three requests hang (in flight at the kill), one fails and is due for a retry.
      if (phase === 1 && index < 3) return { hang: true };
      const status = phase === 1 && index === 3 ? 500 : 200;
      answered.push({ uuid, status, at: Date.now() });
      return { status };
    },
  });
  try {
    const count = 20;
    const first = start(['record', dir, receiver.url, String(count)]);
    const recorded = () => first.lines.filter((l) => l.startsWith('recorded ')).map((l) => l.slice(9));
    await until(() => recorded().length === count, `${count} recorded (stderr: ${first.stderr()})`, 20_000);
    await until(
      () => first.lines.some((l) => l.startsWith('retrying ')),
      `a retry scheduled ${first.lines.slice(-5).join('|')} ${receiver.requests.length} ${first.stderr()}`,
      10_000,
    );
    await until(() => receiver.requests.length >= count, 'every delivery attempted once', 10_000);
    const [, retryUuid, retryAt] = (first.lines.find((l) => l.startsWith('retrying ')) as string).split(' ');

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const uuids = recorded();
    const hung = receiver.requests.slice(0, 3).map((r) => r.headers['x-hookdesk-uuid']);
    const delivered = new Set(answered.filter((a) => a.status === 200).map((a) => a.uuid));
    // The kill really came mid-delivery: three deliveries were never answered.
    expect(hung.every((uuid) => !delivered.has(uuid as string))).toBe(true);

    phase = 2;
    const second = start(['resume', dir, receiver.url]);
    await until(
      () => uuids.every((uuid) => answered.some((a) => a.uuid === uuid && a.status === 200)),
      `every recorded delivery answered 200 after restart (stderr: ${second.stderr()})`,
      20_000,
    );
    // The due retry fired at its time, not before.
    const retried = answered.find((a) => a.uuid === retryUuid && a.status === 200);
    expect(retried?.at).toBeGreaterThanOrEqual(Date.parse(retryAt as string));
    // Each request carried the uuid of a recorded delivery, and the hung ones came back as attempt 2.
    expect(receiver.requests.every((r) => uuids.includes(r.headers['x-hookdesk-uuid'] as string))).toBe(true);
    for (const uuid of hung) {
      const again = receiver.requests.filter((r) => r.headers['x-hookdesk-uuid'] === uuid);
      expect(again.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '1']);
    }
  } finally {
    await receiver.close();
  }
}, 60_000);

it('delivers all of 1,000 recorded deliveries after a SIGKILL with 500 of them in flight', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookdesk-kill-many-'));
  dirs.push(dir);
  let phase = 1;
  const answered = new Set<string>();
  // First run: every request hangs until the kill; after the restart every one is answered 200.
  const receiver = await startTestReceiver({
    respond: (request) => {
      if (phase === 1) return { hang: true };
      answered.add(request.headers['x-hookdesk-uuid'] as string);
      return { status: 200 };
    },
  });
  try {
    const count = 1_000;
    const first = start(['record-many', dir, receiver.url, String(count)]);
    const recorded = () => first.lines.filter((l) => l.startsWith('recorded ')).map((l) => l.slice(9));
    await until(() => recorded().length === count, `${count} recorded (stderr: ${first.stderr()})`, 30_000);
    await until(() => receiver.requests.length >= 500, '500 attempts in flight at the receiver', 20_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const uuids = recorded();
    expect(new Set(uuids).size).toBe(count);
    expect(answered.size).toBe(0);

    phase = 2;
    const second = start(['resume', dir, receiver.url, 'many']);
    await until(
      () => uuids.every((uuid) => answered.has(uuid)),
      `every recorded delivery answered after the restart: ${answered.size} of ${count} (stderr: ${second.stderr()})`,
      30_000,
    );
    // Nothing arrived that was not recorded.
    expect([...answered].every((uuid) => uuids.includes(uuid))).toBe(true);
  } finally {
    await receiver.close();
  }
}, 90_000);

it('keeps a resend to one attempt when the process is killed before it is recorded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookdesk-kill-resend-'));
  dirs.push(dir);
  // 1: the first attempt fails (no retries in this run); 2: the resend hangs until the kill;
  // after the restart, the resend runs again and fails.
  const receiver = await startTestReceiver({
    respond: (_request, index) => (index === 1 ? { hang: true } : { status: 500 }),
  });
  try {
    const first = start(['resend', dir, receiver.url]);
    await until(
      () => first.lines.some((l) => l.startsWith('resent ')),
      `resent (stderr: ${first.stderr()})`,
      20_000,
    );
    await until(() => receiver.requests.length === 2, 'the resend in flight', 10_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const uuid = (first.lines.find((l) => l.startsWith('resent ')) as string).slice(7);

    // This run retries after 1.5 s: a resend must not be retried at all.
    const second = start(['resume', dir, receiver.url]);
    await until(
      () => second.lines.includes(`failed ${uuid}`),
      `resend failed again (stderr: ${second.stderr()})`,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(second.lines.filter((l) => l.startsWith('retrying '))).toEqual([]);
    expect(receiver.requests.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '2', '2']);
    expect(receiver.requests.every((r) => r.headers['x-hookdesk-uuid'] === uuid)).toBe(true);
  } finally {
    await receiver.close();
  }
}, 60_000);

it('keeps a test delivery to one attempt when the process is killed while it is in flight', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookdesk-kill-test-'));
  dirs.push(dir);
  // 0: the test hangs until the kill; after the restart it is sent again and fails.
  const receiver = await startTestReceiver({
    respond: (_request, index) => (index === 0 ? { hang: true } : { status: 500 }),
  });
  try {
    const first = start(['test', dir, receiver.url]);
    await until(
      () => receiver.requests.length === 1,
      `the test in flight (stderr: ${first.stderr()})`,
      20_000,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const uuid = receiver.requests[0]?.headers['x-hookdesk-uuid'] as string;
    expect(receiver.requests[0]?.headers['x-hookdesk-event']).toBe('webhook.test');

    // This run retries after 1.5 s: a test must not be retried at all.
    const second = start(['resume', dir, receiver.url]);
    await until(
      () => second.lines.includes(`failed ${uuid}`),
      `test failed (stderr: ${second.stderr()})`,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(second.lines.filter((l) => l.startsWith('retrying '))).toEqual([]);
    expect(receiver.requests.map((r) => r.headers['x-hookdesk-uuid'])).toEqual([uuid, uuid]);
    expect(receiver.requests.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '1']);
  } finally {
    await receiver.close();
  }
}, 60_000);
