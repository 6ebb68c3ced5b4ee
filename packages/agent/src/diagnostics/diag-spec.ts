// Named diagnostics the device owner declares (`--diag`, `--diag-param`): fixed argv, an optional
// single validated parameter, and per-diagnostic time and output limits.
import { splitCommandLine } from '../command-line/command-words.js';

export const PARAM_PLACEHOLDER = '{param}';
export const MAX_DIAGNOSTICS = 32;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 600_000;
export const DEFAULT_OUTPUT_BYTES = 64 * 1024;
export const MAX_OUTPUT_BYTES = 256 * 1024;
const NAME = /^[a-z][a-z0-9-]{0,31}$/;

export interface DiagnosticSpec {
  name: string;
  /** The program and its words, split once when the agent starts; `{param}` marks the one parameter. */
  argv: string[];
  /** The pattern a parameter must match in full; absent: the diagnostic takes no parameter. */
  param?: RegExp;
  timeoutMs: number;
  /** Cap of stdout and of stderr, each. */
  maxOutputBytes: number;
}

export const DIAG_HELP =
  'name[timeout=S,output=BYTES]=/abs/program args… — a named diagnostic the hub may run (repeatable); {param} is one argument the caller gives, allowed only with --diag-param; no shell';
export const DIAG_PARAM_HELP = "name=^regex$ — the pattern a diagnostic's {param} must match in full (repeatable)";

/** Parses every `--diag` and `--diag-param`; throws with a message naming the bad one. */
export function parseDiagnostics(diags: string[], params: string[] = []): DiagnosticSpec[] {
  if (diags.length > MAX_DIAGNOSTICS) throw new Error(`at most ${MAX_DIAGNOSTICS} --diag`);
  const patterns = new Map<string, RegExp>();
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = p.slice(0, Math.max(eq, 0));
    if (eq <= 0 || !NAME.test(name)) throw new Error(`--diag-param expects name=regex, got "${p}"`);
    patterns.set(name, compilePattern(name, p.slice(eq + 1)));
  }
  const specs = new Map<string, DiagnosticSpec>();
  for (const d of diags) {
    const spec = parseOne(d, patterns);
    if (specs.has(spec.name)) throw new Error(`--diag "${spec.name}" is declared twice`);
    specs.set(spec.name, spec);
  }
  for (const name of patterns.keys())
    if (!specs.get(name)?.param) throw new Error(`--diag-param "${name}" has no --diag using {param}`);
  return [...specs.values()];
}

function parseOne(text: string, patterns: Map<string, RegExp>): DiagnosticSpec {
  const m = /^([a-z][a-z0-9-]{0,31})(?:\[([^\]]*)\])?=(.+)$/s.exec(text);
  if (!m) throw new Error(`--diag expects name[options]=command (name: a-z, 0-9, -), got "${text.slice(0, 80)}"`);
  const [, name, options, line] = m;
  const argv = splitCommandLine(line);
  if (argv.length === 0 || !argv[0].startsWith('/'))
    throw new Error(`--diag "${name}": the program must be an absolute path, got "${argv[0] ?? ''}"`);
  if (argv[0].includes(PARAM_PLACEHOLDER)) throw new Error(`--diag "${name}": {param} may not be the program`);
  const uses = argv.filter((w) => w.includes(PARAM_PLACEHOLDER));
  if (uses.some((w) => w !== PARAM_PLACEHOLDER) || uses.length > 1)
    throw new Error(`--diag "${name}": {param} must stand alone as one word, once`);
  const param = uses.length === 1 ? patterns.get(name) : undefined;
  if (uses.length === 1 && !param) throw new Error(`--diag "${name}" uses {param}: declare its --diag-param pattern`);
  const limits = parseLimits(name, options ?? '');
  return { name, argv, ...(param ? { param } : {}), ...limits };
}

function parseLimits(name: string, text: string) {
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let maxOutputBytes = DEFAULT_OUTPUT_BYTES;
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*(timeout|output)=(\d{1,9})\s*$/.exec(part);
    if (!m) throw new Error(`--diag "${name}": options are timeout=SECONDS,output=BYTES, got "${part}"`);
    const n = Number(m[2]);
    if (m[1] === 'timeout') {
      if (n < 1 || n * 1000 > MAX_TIMEOUT_MS) throw new Error(`--diag "${name}": timeout must be 1..600 seconds`);
      timeoutMs = n * 1000;
    } else {
      if (n < 1 || n > MAX_OUTPUT_BYTES)
        throw new Error(`--diag "${name}": output must be 1..${MAX_OUTPUT_BYTES} bytes`);
      maxOutputBytes = n;
    }
  }
  return { timeoutMs, maxOutputBytes };
}

function compilePattern(name: string, source: string): RegExp {
  if (!source.startsWith('^') || !source.endsWith('$'))
    throw new Error(`--diag-param "${name}": the pattern must be anchored (^…$)`);
  try {
    return new RegExp(source, 'u');
  } catch (err) {
    throw new Error(`--diag-param "${name}": ${(err as Error).message}`);
  }
}

/** The argv to run: the parameter, when declared, replaces `{param}` as one word. */
export function argvFor(spec: DiagnosticSpec, param: string | undefined): string[] {
  return spec.argv.map((w) => (w === PARAM_PLACEHOLDER ? (param ?? '') : w));
}
