import ts from 'typescript';

/**
 * Every name a module exports, values and types alike, sorted: what a consumer can import from a
 * package's entry point. Read with the TypeScript checker, since type-only exports leave no trace
 * at run time.
 */
export function exportedNames(entry: string | URL): string[] {
  const file = entry instanceof URL ? entry.pathname : entry;
  const program = ts.createProgram([file], {
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    customConditions: ['source'],
  });
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`exportedNames: cannot read ${file}.`);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(source);
  if (!module) return [];
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.name)
    .sort();
}
