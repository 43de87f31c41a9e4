// The bench's child processes, both sides of their IPC channel: the parent spawns a TypeScript
// file under `node --import tsx` and asks it things by name; the child answers with `answer`.
// Every child also answers `cpu` (its own CPU seconds so far) and `close` (tidy up, then exit).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const STOP_MS = 10_000;

interface Request {
  id: number;
  type: string;
  payload?: unknown;
}

type Reply = { id: number; value: unknown } | { id: number; error: string };

export interface Child {
  /** Resolves with what the child passed to `answer` once it is set up; rejects if it exits first. */
  readonly ready: Promise<unknown>;
  ask<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to close, then kills it if it has not exited within 10 s. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

let hooked = false;
/** Children never outlive the bench, however it ends. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** Runs `file` (a path relative to bench/) with `options` as its one argument, JSON-encoded. */
export function spawnChild(file: string, options: unknown): Child {
  hookExit();
  // No --conditions=source: the children run the packages' built dist, as tsx in the parent does.
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(options)], {
    cwd: BENCH_DIR,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const ready = new Promise<unknown>((resolve, reject) => {
    child.on('message', (message: { type?: string; value?: unknown } & Partial<Reply>) => {
      if (message.type === 'ready') {
        resolve(message.value);
        return;
      }
      const waiting = pending.get(message.id as number);
      if (!waiting) return;
      pending.delete(message.id as number);
      if ('error' in message) waiting.reject(new Error(`${file}: ${message.error}`));
      else waiting.resolve(message.value);
    });
    child.once('exit', (code, signal) => {
      const error = new Error(`${file} exited (${signal ?? code}) before answering`);
      reject(error);
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
  });
  // Observed by whoever awaits it; this only keeps an early exit from being an unhandled rejection.
  ready.catch(() => {});
  const ask = <T>(type: string, payload?: unknown, timeoutMs = 30_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error(`${file} is not running`));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${file} did not answer \`${type}\` within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ id, type, payload } satisfies Request);
    });
  return {
    ready,
    ask,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await ask('close', undefined, STOP_MS).catch(() => child.kill('SIGKILL'));
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

type Handlers = Record<string, (payload: never) => unknown>;

/**
 * The child's side: serves `handlers` (plus `cpu` and `close`) and tells the parent it is ready,
 * with `value`. `close` runs `onClose`, answers, and exits. A child whose parent is gone exits too.
 */
export function answer(handlers: Handlers, value: unknown, onClose: () => Promise<void>): void {
  const send = (message: unknown, then?: () => void) => {
    if (process.connected) process.send?.(message, undefined, undefined, then);
  };
  const all: Handlers = {
    ...handlers,
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
    close: onClose,
  };
  process.on('message', async ({ id, type, payload }: Request) => {
    const handler = all[type];
    let reply: Reply;
    try {
      if (!handler) throw new Error(`no handler for \`${type}\``);
      reply = { id, value: (await handler(payload as never)) ?? null };
    } catch (error) {
      reply = { id, error: error instanceof Error ? error.message : String(error) };
    }
    send(reply, type === 'close' ? () => process.exit(0) : undefined);
  });
  process.once('disconnect', () => process.exit(0));
  send({ type: 'ready', value });
}

/** The one JSON argument `spawnChild` passes. */
export function childOptions<T>(): T {
  const text = process.argv[2];
  if (!text) throw new TypeError('Run by bench/scale/run.ts: the options are its one argument, as JSON.');
  return JSON.parse(text) as T;
}
