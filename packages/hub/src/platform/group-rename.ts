import type { Db } from '../storage/database.js';

// Renaming a group touches every domain that keeps a group path or a filter naming one. The groups
// domain runs the rename in one transaction and hands each holder the same `GroupRename`; a holder
// rewrites only its own tables and reports what it could not rewrite, which rolls everything back.

/** A filter after a rename: untouched, rewritten, or impossible to rewrite (with the reason). */
export type FilterRewriteResult =
  { kind: 'unchanged' } | { kind: 'rewritten'; text: string } | { kind: 'failed'; reason: string };

export interface GroupRename {
  readonly from: string;
  readonly to: string;
  /** The new path when `path` is the renamed group or below it; null for any other path. */
  path(path: string): string | null;
  /** The filter text with its group references moved, through the filter language's parser. */
  filter(text: string): FilterRewriteResult;
}

/** What one holder did: rows changed, and a line for each reference it could not rewrite. */
export interface GroupRenameOutcome {
  changed: number;
  refused: string[];
}

/** A domain's stored group references, rewritten inside the rename's transaction. */
export interface GroupReferenceHolder {
  /** What the references are, for the audit record: `alert rules`. */
  readonly name: string;
  rename(trx: Db, r: GroupRename): Promise<GroupRenameOutcome>;
}

/** Collects the rewrites of one holder: paths, path lists and filters, with a reason for each refusal. */
export class RenameTally {
  changed = 0;
  readonly refused: string[] = [];

  constructor(private readonly r: GroupRename) {}

  /** The moved path, or the same path (or null) when it is not affected. */
  path<T extends string | null | undefined>(path: T): T {
    if (!path) return path;
    return (this.r.path(path) ?? path) as T;
  }

  /** Every path of a list moved, duplicates folded; null stays null. */
  paths(paths: readonly string[] | null | undefined): string[] | null | undefined {
    if (!paths) return paths as null | undefined;
    return [...new Set(paths.map((p) => this.r.path(p) ?? p))];
  }

  /** The rewritten filter; a refusal is recorded against `what` and the text is kept. */
  filter<T extends string | null | undefined>(what: string, text: T): T {
    if (!text) return text;
    const out = this.r.filter(text);
    if (out.kind === 'rewritten') return out.text as T;
    if (out.kind === 'failed') this.refused.push(`${what}: ${out.reason}`);
    return text;
  }

  /** A `{ group?, filter? }` target with both moved. */
  target<T extends { group?: string; filter?: string }>(what: string, t: T): T {
    const out = { ...t };
    if (t.group !== undefined) out.group = this.path(t.group);
    if (t.filter !== undefined) out.filter = this.filter(what, t.filter);
    return out;
  }

  outcome(): GroupRenameOutcome {
    return { changed: this.changed, refused: this.refused };
  }
}

/** Compares two JSON-able values by their canonical text, to count only rows that changed. */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The rows of one table whose `group_path` column names at most one group each: read and moved by the owning domain. */
export interface GroupPathRows {
  /** The rows that name a group. */
  read(trx: Db): Promise<Array<{ id: string; group_path: string | null }>>;
  /** Moves one row to the group's new path. */
  move(trx: Db, id: string, path: string): Promise<void>;
}

/** A holder for a table whose rows each name one group: rows on the renamed subtree move with it. */
export function groupPathColumn(name: string, rows: GroupPathRows): GroupReferenceHolder {
  return {
    name,
    async rename(trx, r) {
      const t = new RenameTally(r);
      for (const row of await rows.read(trx)) {
        const moved = t.path(row.group_path);
        if (moved === row.group_path || moved === null) continue;
        await rows.move(trx, row.id, moved);
        t.changed++;
      }
      return t.outcome();
    },
  };
}
