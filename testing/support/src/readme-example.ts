import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReadmeExample {
  /** Everything the example printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once `output()` matches `pattern`, or after `timeoutMs` (the caller's assertions say what was missing). */
  printed(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Kills the example and removes its file. */
  stop(): void;
}

/**
 * Runs the first ```ts block under `section` of `packageDir`'s README as a user would paste it:
 * written inside the package (so its imports resolve as a user's do) and run with tsx on the
 * packages' sources.
 */
export function startReadmeExample(
  packageDir: string,
  options: { section?: string; env?: Record<string, string> } = {},
): ReadmeExample {
  const section = options.section ?? '## Usage';
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(section)))?.[1];
  if (code === undefined) throw new Error(`README has no \`\`\`ts block under ${section}`);
  const file = join(packageDir, 'test', '.readme-example.ts');
  writeFileSync(file, code);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
    cwd: packageDir,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return {
    output: () => output,
    async printed(pattern, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop() {
      child.kill('SIGKILL');
      rmSync(file, { force: true });
    },
  };
}
