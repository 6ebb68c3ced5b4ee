// Versions are stored next to a sortable text key so that ordering runs in SQL
// on SQLite and PostgreSQL alike, with plain text comparison and its indexes.

const DIGIT_RUN = /\d+/g;
const PAD = 10;
// Both markers sort below "." and the digits, so "2.1.0-rc1" < "2.1.0" < "2.1.0.1".
const PRE_RELEASE_MARK = '!';
const RELEASE_MARK = '#';

function padDigits(part: string): string {
  return part.replace(DIGIT_RUN, (run) => {
    const trimmed = run.replace(/^0+(?=\d)/, '');
    return trimmed.padStart(PAD, '0');
  });
}

// "2.1" and "2.1.0" are the same release, so trailing zero segments are dropped.
function mainKey(main: string): string {
  const parts = main.split('.');
  while (parts.length > 1 && /^0+$/.test(parts[parts.length - 1])) parts.pop();
  return padDigits(parts.join('.'));
}

/**
 * A text key that sorts like a semantic version: every run of digits is zero-padded
 * to 10 places (`2.10.0` > `2.9.1`, `rc10` > `rc2`), a pre-release sorts before
 * its release, trailing zero segments do not count (`2.1` = `2.1.0`), build metadata (`+abc`) and a leading `v` are ignored, and other
 * text is kept (lower-cased) so it still orders deterministically.
 */
export function versionKey(v: string): string {
  let text = v.trim().toLowerCase();
  if (/^v\d/.test(text)) text = text.slice(1);
  const plus = text.indexOf('+');
  if (plus >= 0) text = text.slice(0, plus);
  const dash = text.indexOf('-');
  if (dash < 0) return mainKey(text) + RELEASE_MARK;
  return mainKey(text.slice(0, dash)) + PRE_RELEASE_MARK + padDigits(text.slice(dash + 1));
}
