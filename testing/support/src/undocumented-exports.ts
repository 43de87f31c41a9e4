import { readFileSync } from 'node:fs';
import { exportedNames } from './exported-names.js';

/**
 * The names a package's entry point exports that its README never mentions (as a whole word, in
 * code or prose): a package exports what its README documents, nothing more, so this list should
 * be empty.
 */
export function undocumentedExports(entry: string | URL, readme: string | URL): string[] {
  const text = readFileSync(readme, 'utf8');
  return exportedNames(entry).filter(
    (name) => !new RegExp(`(?<![\\w$])${asPattern(name)}(?![\\w$])`).test(text),
  );
}

function asPattern(name: string): string {
  return name.replace(/[$]/g, '\\$');
}
