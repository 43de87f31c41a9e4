import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** An example app started as a user starts it: `pnpm --dir <dir> start`. */
export interface ExampleProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` from its `listening on` line. */
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /**
   * Sends `signal` to the whole process group and resolves once every process of it has closed
   * its output, with pnpm's exit code (or the signal's name).
   */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The example runs under pnpm and tsx: signal the whole process group, as a terminal would.
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts an example in its own process group and resolves once it prints
 * `listening on http://127.0.0.1:<port>`; rejects with its output if it exits or stays silent.
 */
export async function startExample(
  dir: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ExampleProcess> {
  const child = spawn('pnpm', ['--dir', dir, '--silent', 'start'], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  let output = '';
  // 'close', not 'exit': pnpm may exit before the app it started, which still holds the pipes.
  const exited = once(child, 'close').then(([code, signal]) => {
    live.delete(child);
    return (code ?? signal) as number | string;
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`${dir} printed no "listening on" line in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', look);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${dir} exited (${code}) before listening:\n${output}`));
    });
  });

  return {
    child,
    url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      killGroup(child, signal);
      return exited;
    },
  };
}
