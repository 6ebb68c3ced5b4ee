import type { GuardMmsObjectRef } from '@outpost/protocol';

// IEC 61850 object references from MMS names (IEC 61850-8-1 §8.1.3.2): the MMS item
// "XCBR1$ST$Pos$stVal" of domain "LD0" is the data attribute LD0/XCBR1.Pos.stVal under
// functional constraint ST. Patterns (GuardMmsObjectRef) name an object and everything below it.

export interface MmsReference {
  /** "LD/LN.DO.DA"; a named variable list keeps its name ("LD0/LLN0.DataSet1"). */
  ref: string;
  fc?: string;
  /** Set when the name is no IEC 61850 reference (vmd- or association-specific, an address). */
  unnamed?: true;
}

const FC_PART = /^[A-Z]{2}$/;

/** The reference an MMS object name ("domain/item", "list:domain/item") stands for. */
export function referenceOf(name: string): MmsReference {
  const list = name.startsWith('list:');
  const bare = list ? name.slice(5) : name;
  const slash = bare.indexOf('/');
  if (slash <= 0) return { ref: bare, unnamed: true };
  const parts = bare.slice(slash + 1).split('$');
  const domain = bare.slice(0, slash);
  if (!list && parts.length >= 2 && FC_PART.test(parts[1]))
    return { ref: `${domain}/${[parts[0], ...parts.slice(2)].join('.')}`, fc: parts[1] };
  return { ref: `${domain}/${parts.join('.')}` };
}

const compiled = new Map<string, RegExp[]>();
const MAX_COMPILED = 1024;

// One regular expression per depth: the pattern cut after 1, 2, ... name parts ("LD/LN" is one).
function regexesOf(pattern: string): RegExp[] {
  let r = compiled.get(pattern);
  if (r) return r;
  const parts = pattern.split('.');
  const part = (p: string) => p.replace(/[^A-Za-z0-9_*/]/g, '').replace(/\*/g, '[^/.]*');
  r = parts.map(
    (_, i) =>
      new RegExp(
        `^${parts
          .slice(0, i + 1)
          .map(part)
          .join('\\.')}$`,
      ),
  );
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(pattern, r);
  return r;
}

const depthOf = (ref: string) => ref.split('.').length;

function fcMatches(p: GuardMmsObjectRef, r: MmsReference): boolean {
  return !p.fc || (r.fc !== undefined && (p.fc as string[]).includes(r.fc));
}

/** Whether the reference is the object the pattern names or lies below it. */
export function within(p: GuardMmsObjectRef, r: MmsReference): boolean {
  if (r.unnamed || !fcMatches(p, r)) return false;
  const rx = regexesOf(p.ref);
  const d = depthOf(p.ref);
  const parts = r.ref.split('.');
  return parts.length >= d && rx[d - 1].test(parts.slice(0, d).join('.'));
}

/** Whether the reference and the pattern's objects share anything (one lies within the other). */
export function overlaps(p: GuardMmsObjectRef, r: MmsReference): boolean {
  if (r.unnamed) return false;
  if (p.fc && r.fc !== undefined && !(p.fc as string[]).includes(r.fc)) return false;
  if (within({ ref: p.ref }, r)) return true;
  const rx = regexesOf(p.ref);
  const d = depthOf(r.ref);
  return d < depthOf(p.ref) && rx[d - 1].test(r.ref);
}

export const anyWithin = (ps: readonly GuardMmsObjectRef[] | undefined, r: MmsReference) =>
  !!ps?.some((p) => within(p, r));
export const anyOverlaps = (ps: readonly GuardMmsObjectRef[] | undefined, r: MmsReference) =>
  !!ps?.some((p) => overlaps(p, r));

/** "LD0/XCBR1.Pos.Oper[CO]": a reference as events and reasons show it. */
export const refText = (r: MmsReference) => (r.fc ? `${r.ref}[${r.fc}]` : r.ref);
