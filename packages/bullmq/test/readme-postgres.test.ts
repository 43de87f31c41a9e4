import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const generated = fileURLToPath(new URL('./readme-postgres-example.generated.ts', import.meta.url));
afterEach(() => rmSync(generated, { force: true }));

it("compiles the README's PostgreSQL example under strict, as a user would paste it", () => {
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Only PostgreSQL')))?.[1];
  expect(code).toContain('postgres:');
  writeFileSync(generated, code!);
  const program = ts.createProgram([generated], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: ['node'],
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(problems).toEqual([]);
}, 60_000);
