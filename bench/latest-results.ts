import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  TABLE_HEAD,
  commit,
  historyTable,
  machine,
  recordHistory,
  root,
  tableLine,
  type HistoryEntry,
  type Row,
} from './support.js';

// `bench/results/latest.md` holds the newest result of every scenario at one size (full or quick). A run of
// some scenarios (`--only`) replaces theirs and keeps the others, each under the date and commit it was
// measured at, so the table is always whole and says how old each part is. Baselines and ratios come from the
// same run as the figure they sit beside. The ratios of every run, whole or partial, go into the history.

/** The figures of one scenario from one run. */
export interface Part {
  name: string;
  at: string;
  commit: string;
  rows: Row[];
}

interface Latest {
  machine: ReturnType<typeof machine>;
  parts: Part[];
}

/** Replaces the parts this run measured in `bench/results/<name>.{json,md}`, in the order of `order`. */
export function mergeLatest(name: string, measured: Array<{ name: string; rows: Row[] }>, order: string[]) {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const now = commit();
  const fresh = measured.map((m) => ({ name: m.name, at, commit: now, rows: m.rows }));
  const parts = mergeParts(readParts(join(dir, `${name}.json`)), fresh, order);
  const history = recordHistory(
    join(dir, `${name}.history.json`),
    at,
    fresh.flatMap((p) => p.rows),
  );
  const m = machine();
  const md = latestMarkdown(name, m, parts, history);
  writeFileSync(join(dir, `${name}.md`), md);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ machine: m, parts } satisfies Latest, null, 2));
  console.log(md);
}

/** The kept parts with those of this run in place of theirs, in the order of `order` (unknown names last). */
export function mergeParts(kept: Part[], fresh: Part[], order: string[]): Part[] {
  const rank = (p: Part) => (order.includes(p.name) ? order.indexOf(p.name) : order.length);
  return [...kept.filter((p) => !fresh.some((f) => f.name === p.name)), ...fresh].sort((a, b) => rank(a) - rank(b));
}

/** The latest table: each part under its date and commit, then the headline ratios of the last runs. */
export function latestMarkdown(
  name: string,
  m: ReturnType<typeof machine>,
  parts: Part[],
  history: HistoryEntry[],
): string {
  return [
    `# Outpost benchmark: ${name}`,
    '',
    `${m.cpu} · ${m.cores} cores · ${m.memoryGb} GiB · Node ${m.node}. Each scenario's figures, baselines and`,
    'ratios come from one run; the line above each table says when and at which commit it ran.',
    '',
    ...parts.flatMap((p) => [
      `## ${p.name}`,
      '',
      `${p.at} · commit ${p.commit}`,
      '',
      ...TABLE_HEAD,
      ...p.rows.map(tableLine),
      '',
    ]),
    ...historyTable(history),
  ].join('\n');
}

function readParts(file: string): Part[] {
  try {
    return partsOf(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return []; // first run, or an unreadable file: start again
  }
}

/** The parts of a saved latest table, whether kept by scenario or written whole by an older run. */
export function partsOf(saved: unknown): Part[] {
  if (!saved || typeof saved !== 'object') return [];
  if (Array.isArray((saved as Latest).parts)) return (saved as Latest).parts;
  return fromWholeRun(saved as { at?: string; commit?: string; rows?: Row[] });
}

/** A table written by a whole run before results were kept by scenario: its rows, sorted into their scenarios. */
function fromWholeRun(saved: { at?: string; commit?: string; rows?: Row[] }): Part[] {
  const parts = new Map<string, Part>();
  for (const row of saved.rows ?? []) {
    const name = WHOLE_RUN_PARTS.find(([prefix]) => row.scenario.startsWith(prefix))?.[1] ?? 'other';
    const part = parts.get(name) ?? { name, at: saved.at ?? 'unknown', commit: saved.commit ?? 'unknown', rows: [] };
    part.rows.push(row);
    parts.set(name, part);
  }
  return [...parts.values()];
}

const WHOLE_RUN_PARTS: Array<[string, string]> = [
  ['connect ', 'connect'],
  ['reconnect storm', 'connect'],
  ['ingest', 'ingest'],
  ['api ', 'api'],
  ['compliance', 'compliance'],
  ['drift latency', 'compliance'],
  ['rollout', 'rollouts'],
  ['alert evaluation', 'alerts'],
  ['device silent', 'alerts'],
  ['guard', 'guard'],
  ['remote access', 'access'],
];
