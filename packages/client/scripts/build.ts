/**
 * The published shape of the SDK: `packages/client/dist/`, ES modules and `.d.ts` files for `@reelay/client`
 * (`index.js`, the browser-safe entry) and `@reelay/client/node`.
 *
 * The SDK uses the wire contract (`@reelay/contract`) for types only, so its JavaScript never imports it; its
 * declarations import `./contract.js` instead, written here with every contract type spelled out as plain object
 * types (no zod), so an installed SDK needs neither the contract nor zod.
 *
 * Usage: `node --import tsx packages/client/scripts/build.ts`; run by the root `npm run build` and by `npm pack`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { emitPackage } from './emit-package.ts';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const WIRE_TYPES = fileURLToPath(new URL('../../contract/src/wire-types.ts', import.meta.url));

/** `contract.d.ts`: each type alias of the contract's `wire-types.ts` (but the zod-generic `Infer`), expanded. */
export function contractDeclarations(program: ts.Program): string {
  const file = program.getSourceFile(WIRE_TYPES);
  if (!file) throw new Error(`${WIRE_TYPES} is not in the SDK's program`);
  const checker = program.getTypeChecker();
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  const flags = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.InTypeAlias;
  const lines = [
    '// The wire contract of the Reelay API (@reelay/contract), as plain types: what each answer holds.',
  ];
  for (const statement of file.statements) {
    if (!ts.isTypeAliasDeclaration(statement) || statement.typeParameters) continue;
    const node = checker.typeToTypeNode(checker.getTypeAtLocation(statement.name), statement, flags);
    if (!node) throw new Error(`cannot spell out ${statement.name.text}`);
    const text = printer.printNode(ts.EmitHint.Unspecified, node, file);
    if (/\bz\.|\$brand|\bZod|\bcore\./.test(text))
      throw new Error(`${statement.name.text} keeps zod types: ${text}`);
    lines.push(`export type ${statement.name.text} = ${text};`);
  }
  return `${lines.join('\n')}\n`;
}

export function buildClient(): void {
  emitPackage({
    packageDir: PACKAGE,
    conditions: ['reelay-source'],
    rewriteDeclaration: (text) => text.replace(/(['"])@reelay\/contract\1/g, "'./contract.js'"),
    extraFiles: (program) => new Map([['contract.d.ts', contractDeclarations(program)]]),
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildClient();
  process.stdout.write(`built ${resolve(PACKAGE, 'dist')}\n`);
}
