import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import { afterEach, describe, expect, it } from 'vitest';

// Defect 7 of issue 11: a ticket could exist with no ticket.created when the process died between
// saving it and recording the event. Each case kills a real process with SIGKILL at one point of a
// ticket write, then starts the helpdesk again (openHelpdesk, as both examples do) on the same store.

const fixture = fileURLToPath(new URL('./fixtures/outbox-child.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function start(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const said = async (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(output);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`no ${pattern} in ${timeoutMs} ms; output:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const kill = async () => {
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
  };
  return { said, kill, output: () => output };
}

async function setup(): Promise<{ dir: string; receiver: TestReceiver }> {
  const dir = mkdtempSync(join(tmpdir(), 'hookdesk-outbox-'));
  const receiver = await startTestReceiver();
  cleanups.push(
    () => receiver.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { dir, receiver };
}

const bodies = (receiver: TestReceiver) => receiver.requests.map((r) => JSON.parse(r.body.toString('utf8')));

describe('the ticket outbox across a SIGKILL', () => {
  it('records ticket.created at the next start for a ticket saved just before the kill', async () => {
    const { dir, receiver } = await setup();
    const first = start(['hang-after-save', dir, receiver.url, 'created']);
    await first.said(/^saved 1$/m);
    await first.kill();
    expect(receiver.requests).toHaveLength(0);

    const second = start(['serve', dir]);
    await second.said(/outbox: recorded 1 ticket event\(s\) a crash left unrecorded, dropped 0/);
    await receiver.waitForRequests(1, 10_000);
    expect(bodies(receiver)).toEqual([
      expect.objectContaining({
        event: 'ticket.created',
        ticket: expect.objectContaining({ id: 1, subject: 'Printer on fire ☃' }),
      }),
    ]);
  }, 60_000);

  it('records ticket.updated, with its changes, for a change saved just before the kill', async () => {
    const { dir, receiver } = await setup();
    const first = start(['hang-after-save', dir, receiver.url, 'updated']);
    await first.said(/^saved 1$/m);
    await receiver.waitForRequests(1, 10_000);
    await first.kill();

    const second = start(['serve', dir]);
    await second.said(/outbox: recorded 1 ticket event/);
    await receiver.waitForRequests(2, 10_000);
    expect(bodies(receiver)[1]).toMatchObject({
      event: 'ticket.updated',
      ticket: { id: 1, status: 'closed' },
      changes: { status: { old: 'open', new: 'closed' } },
    });
  }, 60_000);

  it('drops the event of a ticket whose write never happened', async () => {
    const { dir, receiver } = await setup();
    const first = start(['hang-before-save', dir, receiver.url]);
    await first.said(/^writing example:ticket:1$/m);
    await first.kill();

    const second = start(['serve', dir]);
    await second.said(
      /outbox: recorded 0 ticket event\(s\) a crash left unrecorded, dropped 1 whose ticket was never saved/,
    );
    await second.said(/^settled$/m);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(0);
  }, 60_000);

  it('records nothing new for an event recorded and sent before the kill, its entry not yet removed', async () => {
    const { dir, receiver } = await setup();
    const first = start(['hang-after-record', dir, receiver.url]);
    const [, uuid] = await first.said(/^delivered (\S+)$/m);
    await first.kill();

    const second = start(['serve', dir]);
    await second.said(/outbox: recorded 1 ticket event/);
    await second.said(/^settled$/m);
    // Recorded again under the same eventId: the same uuid, already delivered, so nothing is sent.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.requests.map((r) => r.headers['x-hookdesk-uuid'])).toEqual([uuid]);
    expect(second.output()).not.toMatch(/^delivered /m);
  }, 60_000);
});
