import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A `hookdesk-worker` process, started as docs/examples.md's scale-out commands start one. */
export interface WorkerProcess {
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const bin = join(
  dirname(fileURLToPath(import.meta.resolve('@hookdesk/bullmq/package.json'))),
  'dist/bin/hookdesk-worker.js',
);

/** Starts the built `hookdesk-worker` with `env`; resolves once it says what it connected to. */
export async function startWorkerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [bin], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const closed = once(child, 'close').then(([code, signal]) => (code ?? signal) as number | string);
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hookdesk-worker printed no start-up line in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      if (output.includes('delivering from')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    closed.then(() => {
      clearTimeout(timer);
      reject(new Error(`hookdesk-worker exited before starting:\n${output}`));
    });
  });
  return {
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return closed;
    },
  };
}
