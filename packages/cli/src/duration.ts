/** "90", "90s", "30m", "2h" → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*(s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`duration "${text}" must look like 90s, 30m or 2h`);
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}
