// JSON nested thousands of levels deep parses fine but breaks every recursive consumer after
// it (JSON.stringify, schema checks, canonical JSON): a stack overflow far from where the
// message came in. Every JSON that enters Outpost from outside — device topics, HTTP bodies —
// is measured first, in one pass over the text, and refused when it nests deeper than this.
export const MAX_JSON_DEPTH = 32;

/** True when arrays and objects in `text` nest deeper than `max` (strings and escapes are skipped). */
export function jsonNestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
