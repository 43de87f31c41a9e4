import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/append-deliveries.ts', import.meta.url));
// `--import tsx` resolves from the working directory: the package's own node_modules.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Starts the append fixture in its own Node process (TypeScript through tsx, workspace sources). */
export function spawnAppender(args: (string | number)[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, ...args.map(String)], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The `ack` lines a child printed, collected as they arrive, and its exit. */
export function watch(child: ChildProcess) {
  const acked: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { acked, exited, stderr: () => stderr };
}
