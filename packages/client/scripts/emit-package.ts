/**
 * Compiles a workspace package's `src/` into `dist/` for publishing: one ES module and one `.d.ts` per source file,
 * with the sources' `./x.ts` imports written as `./x.js`. Shared by the SDK's and the CLI's builds.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface EmitOptions {
  /** The package folder (with `src/`; `dist/` is replaced). */
  packageDir: string;
  /** Conditions for resolving workspace packages (`reelay-source` reads their TypeScript sources). */
  conditions?: string[];
  /** Changes to each `.d.ts` before it is written (e.g. a bundled package's specifier made relative). */
  rewriteDeclaration?: (text: string) => string;
  /** Called with the program before emitting, to add files of its own to `dist/` (name → text). */
  extraFiles?: (program: ts.Program) => Map<string, string>;
}

function fail(diagnostics: readonly ts.Diagnostic[]): never {
  const text = ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
  throw new Error(`the build does not compile:\n${text}`);
}

/** Emits `src/**` of the package into `dist/`, after checking it compiles. */
export function emitPackage(options: EmitOptions): void {
  const src = join(options.packageDir, 'src');
  const outDir = join(options.packageDir, 'dist');
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => fail([d]),
    },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const compilerOptions: ts.CompilerOptions = {
    ...config.options,
    noEmit: false,
    declaration: true,
    rewriteRelativeImportExtensions: true,
    outDir,
    rootDir: src,
    customConditions: options.conditions ?? [],
    sourceMap: false,
    noEmitOnError: true,
  };
  const rootNames = ts.sys.readDirectory(src, ['.ts'], ['**/*.test.ts', '**/*.d.ts']);
  const program = ts.createProgram({ rootNames, options: compilerOptions });
  const own = program.getSourceFiles().filter((f) => !relative(src, f.fileName).startsWith('..'));
  const errors = [
    ...program.getSyntacticDiagnostics(),
    ...own.flatMap((f) => program.getSemanticDiagnostics(f)),
  ];
  if (errors.length > 0) fail(errors);
  const extra = options.extraFiles?.(program) ?? new Map<string, string>();

  rmSync(outDir, { recursive: true, force: true });
  const write = (file: string, text: string) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  for (const file of own) {
    // One file at a time: the workspace packages read through `conditions` are in the program, not in dist.
    const result = program.emit(file, (name, text) => {
      const fixed = name.endsWith('.d.ts')
        ? // Declarations keep the sources' specifiers; their modules are the emitted `.js` files.
          (options.rewriteDeclaration ?? ((t: string) => t))(
            text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'),
          )
        : text;
      write(resolve(name), fixed);
    });
    if (result.emitSkipped) fail(result.diagnostics);
  }
  for (const [name, text] of extra) write(join(outDir, name), text);
}
