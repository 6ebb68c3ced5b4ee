const HOUR_MS = 3_600_000;

/** Start of the UTC hour holding `t`. */
export function hourFloor(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

export function hourIso(t: number): string {
  return new Date(hourFloor(t)).toISOString();
}

/** Hour of the week in UTC: 0 is Monday 00:00–01:00, 167 is Sunday 23:00–24:00. */
export function hourOfWeek(t: number): number {
  const d = new Date(t);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}

export { HOUR_MS };
