import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { DOMAINS_DIR } from './domain-boundaries.js';

// Reads the hub's services and stores as syntax and lists each exported `create…` factory whose
// type its consumers cannot read at the top of the file: a factory without a declared return
// type, or one whose type is derived from it (`ReturnType<typeof createX>`). Used by the
// declared-interfaces test; no code is run.

export interface UndeclaredFactory {
  /** `views/views.service.ts createViewsService` */
  key: string;
  why: 'no declared return type' | 'return type is not a named interface' | 'type derived with ReturnType';
}

function servicesAndStores(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) servicesAndStores(p, out);
    else if (/\.(service|store)\.ts$/.test(name)) out.push(p);
  }
  return out;
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** `X`, or `Promise<X>`, where X is a name: an interface or type declared somewhere, not an inline shape. */
function namesAnInterface(type: ts.TypeNode): boolean {
  if (!ts.isTypeReferenceNode(type)) return false;
  const name = type.typeName.getText();
  if (name === 'ReturnType' || name === 'Awaited') return false;
  if (name === 'Promise') return type.typeArguments?.length === 1 && namesAnInterface(type.typeArguments[0]);
  return true;
}

/** The undeclared factories of one file, `rel` being its path under `domains/`. */
export function undeclaredIn(rel: string, text: string): UndeclaredFactory[] {
  const file = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
  const out: UndeclaredFactory[] = [];
  for (const st of file.statements) {
    if (ts.isFunctionDeclaration(st) && st.name && /^create[A-Z]/.test(st.name.text) && isExported(st)) {
      const key = `${rel} ${st.name.text}`;
      if (!st.type) out.push({ key, why: 'no declared return type' });
      else if (!namesAnInterface(st.type)) out.push({ key, why: 'return type is not a named interface' });
    }
    if (ts.isTypeAliasDeclaration(st) && /\bReturnType\s*<\s*typeof\s+create/.test(st.type.getText()))
      out.push({ key: `${rel} ${st.name.text}`, why: 'type derived with ReturnType' });
  }
  return out;
}

/** Every undeclared factory of the services and stores under `domains/`. */
export function findUndeclaredFactories(): UndeclaredFactory[] {
  return servicesAndStores(DOMAINS_DIR).flatMap((p) =>
    undeclaredIn(relative(DOMAINS_DIR, p).split('\\').join('/'), readFileSync(p, 'utf8')),
  );
}
