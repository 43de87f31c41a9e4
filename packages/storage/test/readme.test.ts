import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const generated = fileURLToPath(new URL('./readme-example.generated.ts', import.meta.url));
afterEach(() => rmSync(generated, { force: true }));

it("runs the README's usage example as written and prints what it says", async () => {
  const usage = readme.slice(readme.indexOf('## Usage'));
  const code = /```ts\n([\s\S]*?)```/.exec(usage)?.[1];
  expect(code).toBeDefined();
  // The example imports the package by name; here it runs against this checkout's source.
  writeFileSync(generated, code!.replace("from '@hookdesk/storage'", "from '../src/index.js'"));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ `${generated}?t=${Date.now()}`);
    expect(log.mock.calls).toEqual([[[['3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d', 'failed', 500]], null]]);
  } finally {
    log.mockRestore();
  }
  // The README's claimed output matches what ran.
  expect(code).toContain("// → [ [ '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d', 'failed', 500 ] ] null");
});
