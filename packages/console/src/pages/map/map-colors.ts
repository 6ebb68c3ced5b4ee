// Device dot colours by presence or by health verdict, with the legend that names them.

export type ColorBy = 'presence' | 'health';

export const PRESENCE_COLORS: Record<string, string> = {
  online: '#15803d',
  offline: '#9ca3af',
  never_seen: '#cbd5e1',
};

export const HEALTH_COLORS: Record<string, string> = {
  ok: '#15803d',
  warning: '#d97706',
  error: '#dc2626',
  unknown: '#9ca3af',
};

const OTHER = '#64748b';

export function legendOf(by: ColorBy): Array<[string, string]> {
  return Object.entries(by === 'presence' ? PRESENCE_COLORS : HEALTH_COLORS);
}

/** The colour of row i, from the column the choice names. */
export function colorFunction(by: ColorBy, columns: { presence: readonly string[]; health?: readonly string[] }) {
  const table = by === 'presence' ? PRESENCE_COLORS : HEALTH_COLORS;
  const col = (by === 'presence' ? columns.presence : columns.health) ?? [];
  return (i: number) => table[col[i]] ?? OTHER;
}

/** `lat,lon,zoom` from the address bar, or null when absent or not three numbers in range. */
export function parsePlace(s: string | null): { lat: number; lon: number; zoom: number } | null {
  if (!s) return null;
  const [lat, lon, zoom] = s.split(',').map(Number);
  if (![lat, lon, zoom].every(Number.isFinite)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || zoom < 0 || zoom > 18) return null;
  return { lat, lon, zoom };
}

export function formatPlace(p: { lat: number; lon: number; zoom: number }): string {
  return `${p.lat.toFixed(5)},${p.lon.toFixed(5)},${p.zoom.toFixed(2)}`;
}
