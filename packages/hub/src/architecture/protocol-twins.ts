import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

// Reads the hub's and the protocol's sources as syntax and lists the hub's second declarations of a
// protocol type: a hub interface (or object type alias) whose property names, and the text of their
// types, are those of a protocol interface. The wire's types are declared once, in the protocol;
// the hub imports them. Used by the protocol-twins test; no code is run.

export const HUB_SRC = normalize(join(dirname(new URL(import.meta.url).pathname), '..'));
export const PROTOCOL_SRC = normalize(join(HUB_SRC, '..', '..', 'protocol', 'src'));

/** A named object type: its name, where it is, and its shape as sorted `name?: type` lines. */
export interface ObjectDeclaration {
  name: string;
  file: string;
  shape: string;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.ts$/.test(name) && !/\.(test|contract)\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** The interfaces and object type aliases of a file with at least three properties. */
export function objectDeclarations(file: string, text: string): ObjectDeclaration[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ObjectDeclaration[] = [];
  const visit = (n: ts.Node): void => {
    const members = ts.isInterfaceDeclaration(n)
      ? n.members
      : ts.isTypeAliasDeclaration(n) && ts.isTypeLiteralNode(n.type)
        ? n.type.members
        : undefined;
    if (members && (ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n))) {
      const props = members.filter(ts.isPropertySignature);
      const shape = props
        .map((m) => `${m.name.getText(source)}${m.questionToken ? '?' : ''}: ${m.type?.getText(source) ?? 'any'}`)
        .map((line) => line.replace(/\s+/g, ' '))
        .sort();
      if (props.length >= 3 && props.length === members.length)
        out.push({ name: n.name.text, file, shape: shape.join('; ') });
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

/** `hub/file.ts Name = protocol/file.ts Name` for each hub declaration of a protocol interface's shape. */
export function twins(hub: ObjectDeclaration[], protocol: ObjectDeclaration[]): string[] {
  const byShape = new Map<string, ObjectDeclaration>();
  for (const p of protocol) if (!byShape.has(p.shape)) byShape.set(p.shape, p);
  return hub
    .filter((h) => byShape.has(h.shape))
    .map(
      (h) =>
        `${relative(HUB_SRC, h.file)} ${h.name} = ${relative(PROTOCOL_SRC, byShape.get(h.shape)!.file)} ${byShape.get(h.shape)!.name}`,
    );
}

export function findProtocolTwins(): string[] {
  const read = (root: string) => walk(root).flatMap((f) => objectDeclarations(f, readFileSync(f, 'utf8')));
  return twins(read(HUB_SRC), read(PROTOCOL_SRC));
}
