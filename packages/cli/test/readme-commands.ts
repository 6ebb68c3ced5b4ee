/** One command a reader of README.md types: where it stands, under which section, and its text. */
export interface ReadmeCommand {
  /** 1-based line of README.md the command starts on. */
  line: number;
  /** The `## ` heading the command stands under. */
  section: string;
  /** The command as a shell runs it: continuation lines joined, comment dropped, one `&&` or `;` step at a time. */
  text: string;
}

/** What a command line starts with: the tools a reader runs. Comment lines and tool output do not. */
const COMMAND_START = /^(outpost|npm|npx|node|export) /;

/**
 * The commands of README.md's fenced `sh`/`bash` blocks, in order: every line starting with
 * `outpost `, `npm `, `npx `, `node ` or `export ` (a trailing `\` joins the next line), a line
 * `a && b` or `a; b` giving one command per step.
 */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const lines = markdown.split('\n');
  const out: ReadmeCommand[] = [];
  let section = '';
  let inShell = false;
  let inOther = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (!inShell && !inOther && raw.startsWith('## ')) section = raw.slice(3).trim();
    const fence = /^```(\w*)\s*$/.exec(raw.trim());
    if (fence) {
      if (inShell || inOther) inShell = inOther = false;
      else if (fence[1] === 'sh' || fence[1] === 'bash') inShell = true;
      else inOther = true;
      continue;
    }
    if (!inShell) continue;
    const start = i + 1;
    let text = raw.trim();
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1).trimEnd()} ${lines[++i].trim()}`;
    if (!COMMAND_START.test(text)) continue;
    for (const step of withoutComment(text).split(/ && |; /)) out.push({ line: start, section, text: step.trim() });
  }
  return out;
}

/** The line up to a shell comment (a `#` after white space, outside quotes). */
function withoutComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && /\s/.test(line[i - 1] ?? '')) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** The package.json script an `npm` command runs (`npm start`, `npm test`, `npm run NAME …`), or null. */
export function npmScriptOf(command: string): string | null {
  const m = /^npm (?:run (\S+)|(start|test))\b/.exec(command);
  return m ? (m[1] ?? m[2]) : null;
}

/** A README placeholder for an id the hub hands out: `chn_…`, `rol_…`, `art_…`. */
const PLACEHOLDER = /\b([a-z]{3})_…/g;

/** Ids printed so far, by prefix, each once, oldest first: what a reader copies into later commands. */
export class PrintedIds {
  private readonly seen = new Map<string, string[]>();

  remember(output: string): void {
    for (const m of output.matchAll(/\b([a-z]{3})_[0-9a-f]{12,}\b/g)) {
      const ids = this.seen.get(m[1]) ?? [];
      if (!ids.includes(m[0])) ids.push(m[0]);
      this.seen.set(m[1], ids);
    }
  }

  /**
   * The command with each placeholder replaced by an id printed before: n placeholders of one prefix take
   * the n latest ids of it, oldest first. Null names a prefix with too few ids printed.
   */
  fill(command: string): { text: string; missing: string | null } {
    const wanted = new Map<string, number>();
    for (const m of command.matchAll(PLACEHOLDER)) wanted.set(m[1], (wanted.get(m[1]) ?? 0) + 1);
    for (const [prefix, n] of wanted)
      if ((this.seen.get(prefix) ?? []).length < n) return { text: command, missing: prefix };
    const taken = new Map<string, string[]>();
    for (const [prefix, n] of wanted) taken.set(prefix, this.seen.get(prefix)!.slice(-n));
    return { text: command.replace(PLACEHOLDER, (_, prefix: string) => taken.get(prefix)!.shift()!), missing: null };
  }
}

/**
 * README example values (`https://hub.example:8443`, `oet_…`) that stand for what an earlier command
 * printed: each found in output by its pattern's first group, the latest one kept.
 */
export class PrintedValues {
  private readonly latest = new Map<string, string>();

  constructor(private readonly sources: Record<string, RegExp>) {}

  remember(output: string): void {
    for (const [example, source] of Object.entries(this.sources)) {
      const all = [...output.matchAll(new RegExp(source.source, `${source.flags.replace('g', '')}g`))];
      if (all.length) this.latest.set(example, all[all.length - 1][1]);
    }
  }

  /** The command with each example replaced by its printed value. Null names an example nothing printed yet. */
  fill(command: string): { text: string; missing: string | null } {
    let text = command;
    for (const example of Object.keys(this.sources)) {
      if (!text.includes(example)) continue;
      const value = this.latest.get(example);
      if (value === undefined) return { text: command, missing: example };
      text = text.replaceAll(example, value);
    }
    return { text, missing: null };
  }
}
