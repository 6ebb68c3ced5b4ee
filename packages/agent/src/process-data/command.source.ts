import type { Clock } from '../core/ports.js';
import { runBoundedCommand } from '../settings/bounded-command.js';
import type { CommandSourceConfig } from './data-config.js';
import { bad, judged, type DataSource, type Sample } from './data-sample.js';
import { fitsType, valueDefs } from './value-points.js';

/**
 * Runs a local command (argv, no shell) every interval, with a time and output limit, and reads
 * the JSON object of point → value it prints. Declared points it leaves out are bad (`missing`);
 * when part of its output is unusable (undeclared names, values of the wrong type) the usable
 * values are `uncertain` (`partial-output`); when nothing is usable every point is bad.
 */
export function createCommandSource(c: CommandSourceConfig, clock: Clock): DataSource {
  const last = new Map<string, Sample['v']>();
  let timer: { cancel(): void } | null = null;
  let stopped = false;
  const name = `command ${c.argv[0]}`;

  /** The readings one run's output gives. */
  function readings(stdout: string, t: number): Sample[] {
    let out: unknown;
    try {
      out = JSON.parse(stdout);
    } catch {
      out = undefined;
    }
    if (!out || typeof out !== 'object' || Array.isArray(out))
      return c.points.map((p) => bad(p.p, 'bad-output', t, last.get(p.p) ?? null));
    const obj = out as Record<string, unknown>;
    const declared = new Set(c.points.map((p) => p.p));
    let invalid = Object.keys(obj).some((k) => !declared.has(k));
    const good: Sample[] = [];
    const samples: Sample[] = [];
    for (const p of c.points) {
      if (!(p.p in obj)) {
        samples.push(bad(p.p, 'missing', t, last.get(p.p) ?? null));
        continue;
      }
      const v = obj[p.p];
      if (!fitsType(p, v)) {
        invalid = true;
        samples.push(bad(p.p, 'wrong-type', t, last.get(p.p) ?? null));
        continue;
      }
      last.set(p.p, v);
      const s = judged(p, v, t);
      good.push(s);
      samples.push(s);
    }
    if (invalid)
      for (const s of good)
        if (s.q === 'good') {
          s.q = 'uncertain';
          s.r = 'partial-output';
        }
    return samples;
  }

  async function run(): Promise<Sample[]> {
    try {
      const r = await runBoundedCommand(c.argv, {
        label: 'data command',
        timeoutMs: c.timeoutMs ?? 10_000,
        maxBytes: c.maxOutputBytes ?? 65_536,
      });
      const t = clock.now();
      if (r.code !== 0) return c.points.map((p) => bad(p.p, `exit-${r.code}`, t, last.get(p.p) ?? null));
      return readings(r.stdout, t);
    } catch (err) {
      const msg = (err as Error).message;
      const reason = msg.includes('timed out')
        ? 'timeout'
        : msg.includes('printed more')
          ? 'output-too-large'
          : 'not-run';
      const t = clock.now();
      return c.points.map((p) => bad(p.p, reason, t, last.get(p.p) ?? null));
    }
  }

  function loop(emit: (s: Sample[]) => void, delay: number) {
    timer = clock.setTimeout(() => {
      void run().then((s) => {
        if (stopped) return;
        emit(s);
        loop(emit, c.intervalMs ?? 10_000);
      });
    }, delay);
  }

  return {
    name,
    defs: () => valueDefs(c.points, name),
    start(emit) {
      stopped = false;
      loop(emit, 0);
    },
    async stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
