const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** `5GB`, `500 MB`, `1.5GiB` or a plain number of bytes, as whole bytes (decimal units are powers of 1000). */
export function parseByteSize(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined)
    throw new Error(`"${text}" is not a size: use bytes or a unit (kB, MB, GB, TB, KiB, MiB, GiB, TiB)`);
  const n = Math.round(Number(m[1]) * unit);
  if (n < 1 || !Number.isSafeInteger(n)) throw new Error(`"${text}" is out of range`);
  return n;
}
