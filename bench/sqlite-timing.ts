// Time spent in each SQLite statement, printed when the process exits. Load it before the code
// under measure:
//   node --import tsx --import ./bench/sqlite-timing.ts --conditions=source bench/rollouts.bench.ts
// Statements are grouped by their SQL text with placeholder lists folded ("in (?, ?, ?)" is "in (?…)"),
// so a statement over 500 ids and one over 3 count as the same shape. CPU is the process's (every
// thread; a statement seldom overlaps much else), wall time includes waiting for a core.
// OUTPOST_SQLITE_TIMING_SINCE=<sql fragment>: count only from the first statement containing it.
import BetterSqlite3 from 'better-sqlite3';

interface Tally {
  calls: number;
  ms: number;
  cpuMs: number;
  rows: number;
}

const tallies = new Map<string, Tally>();
const folded = new Map<string, string>();
const fold = (sql: string) => {
  let f = folded.get(sql);
  if (f === undefined) folded.set(sql, (f = foldText(sql)));
  return f;
};
const foldText = (sql: string) =>
  sql
    .replace(/\(\?(?:, \?)+\)/g, '(?…)')
    .replace(/(?:\(\?…\), )+\(\?…\)/g, '(?…)…')
    .replace(/\s+/g, ' ');

const since = process.env.OUTPOST_SQLITE_TIMING_SINCE ?? '';
let counting = since === '';
const probe = new BetterSqlite3(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
probe.close();

for (const method of ['run', 'all', 'get', 'iterate'] as const) {
  const inner = statementProto[method] as (...args: unknown[]) => unknown;
  statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
    if (!counting) {
      if (!this.source.includes(since)) return inner.apply(this, args);
      counting = true;
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = inner.apply(this, args);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const key = fold(this.source);
    const t = tallies.get(key) ?? { calls: 0, ms: 0, cpuMs: 0, rows: 0 };
    t.calls++;
    t.ms += ms;
    t.cpuMs += (c.user + c.system) / 1000;
    t.rows += Array.isArray(out) ? out.length : 0;
    tallies.set(key, t);
    return out;
  };
}

process.once('exit', () => {
  const rows = [...tallies].sort((a, b) => b[1].cpuMs - a[1].cpuMs);
  const total = rows.reduce((s, [, t]) => s + t.ms, 0);
  const cpu = rows.reduce((s, [, t]) => s + t.cpuMs, 0);
  const lines = [
    `[sqlite-timing] ${total.toFixed(0)} ms (${cpu.toFixed(0)} ms of CPU, every thread) in ${rows.length} statement shapes`,
  ];
  lines.push('  cpu ms  wall ms  calls  µs/call    rows  sql');
  for (const [sql, t] of rows.slice(0, Number(process.env.OUTPOST_SQLITE_TIMING_TOP ?? 25)))
    lines.push(
      `${t.cpuMs.toFixed(0).padStart(8)} ${t.ms.toFixed(0).padStart(8)} ${String(t.calls).padStart(6)} ` +
        `${((t.cpuMs * 1000) / t.calls).toFixed(0).padStart(8)} ` +
        `${String(t.rows).padStart(7)}  ${sql.slice(0, 160)}`,
    );
  process.stderr.write(lines.join('\n') + '\n');
});
