import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Every workspace package, read from the folders pnpm-workspace.yaml lists. */
function workspaceManifests(): Manifest[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1] as string);
  const dirs = globs.flatMap((glob) =>
    glob.endsWith('/*')
      ? readdirSync(join(root, glob.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(glob.slice(0, -2), entry.name))
      : [glob],
  );
  // pnpm takes a folder as a project only when it holds a package.json (not a leftover node_modules).
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest);
}

/** A cycle through workspace dependencies of any kind (pnpm counts them all), or null. */
function findCycle(manifests: Manifest[]): string[] | null {
  const names = new Set(manifests.map((m) => m.name));
  const edges = new Map(
    manifests.map((m) => [
      m.name,
      Object.keys({
        ...m.dependencies,
        ...m.devDependencies,
        ...m.peerDependencies,
        ...m.optionalDependencies,
      }).filter((dep) => names.has(dep)),
    ]),
  );
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | null => {
    const at = path.indexOf(name);
    if (at !== -1) return [...path.slice(at), name];
    if (done.has(name)) return null;
    for (const dep of edges.get(name) ?? []) {
      const cycle = visit(dep, [...path, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return null;
  };
  for (const name of names) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

describe('the workspace graph', () => {
  it('has no cycle, so `pnpm -r build` can order its tasks and installs do not warn', () => {
    const manifests = workspaceManifests();
    expect(manifests.length).toBeGreaterThan(10);
    expect(findCycle(manifests)).toBeNull();
  });

  it('keeps core free of smart rules: no dependency on @hookdesk/smart-rules, no import of it', () => {
    const core = workspaceManifests().find((m) => m.name === '@hookdesk/core') as Manifest;
    const deps = { ...core.dependencies, ...core.devDependencies, ...core.peerDependencies };
    expect(Object.keys(deps)).not.toContain('@hookdesk/smart-rules');
    const sources = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    // Its admin handler names the package in a message; an import is `from '…'` or `import('…')`.
    const importing = ['packages/core/src', 'packages/core/test']
      .flatMap(sources)
      .filter((file) =>
        /(from |import\()'@hookdesk\/smart-rules/.test(readFileSync(join(root, file), 'utf8')),
      );
    expect(importing).toEqual([]);
  });

  it('finds a cycle where one exists (the check itself works)', () => {
    const cycle = findCycle([
      { name: 'a', devDependencies: { b: 'workspace:^' } },
      { name: 'b', peerDependencies: { a: 'workspace:^' } },
    ]);
    expect(cycle).toEqual(['a', 'b', 'a']);
  });
});
