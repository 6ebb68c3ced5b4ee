// The one ordering of versions in Outpost: device filters, rollout preflight and the devices'
// anti-rollback check all use it, so "is 2.1.0.10 newer than 2.1.0.9?" has one answer.
// Versions are also stored next to this key, so ordering runs in SQL on SQLite and
// PostgreSQL alike, with plain text comparison and its indexes.

const DIGIT_RUN = /\d+/g;
// Digit runs are padded to this many places; a run longer than that still sorts after any shorter one
// only while it does not start with zeros — ten digits cover every real firmware numbering.
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
 * A text key that sorts like a version: every run of digits is zero-padded to 10 places
 * (`2.10.0` > `2.9.1`, `2.1.0.10` > `2.1.0.9`, `rc10` > `rc2`), any number of segments, a
 * pre-release sorts before its release (semver.org §11: numeric identifiers before alphanumeric
 * ones, a shorter set of identifiers first), trailing zero segments do not count (`2.1` = `2.1.0`),
 * build metadata (`+abc`) and a leading `v` are ignored, and other text is kept (lower-cased) so
 * it still orders deterministically.
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

/** Negative when `a` is older than `b`, positive when newer, 0 when they name the same release. */
export function compareVersions(a: string, b: string): number {
  const ka = versionKey(a);
  const kb = versionKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
