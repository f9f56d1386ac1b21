// Time-axis labels of the station charts, in UTC (event time), 24-hour. Pure.

const pad2 = (n: number) => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** `YYYY-MM-DD` of an instant in UTC. */
export function utcDate(ts: number): string {
  const d = new Date(ts);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `HH:MM` (or `HH:MM:SS` with `seconds`) of an instant in UTC. */
export function utcClock(ts: number, seconds = false): string {
  const d = new Date(ts);
  const hm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  return seconds ? `${hm}:${pad2(d.getUTCSeconds())}` : hm;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, or `—` for a non-finite time. */
export function formatUtc(ts: number): string {
  return Number.isFinite(ts) ? `${utcDate(ts)} ${utcClock(ts, true)}` : '—';
}

/**
 * Labels for time ticks `splits` (epoch ms, ascending) spaced `incrMs` apart: dates for day
 * ticks, otherwise clock times with the date (`MM-DD`) added on a second line to the first
 * tick and to every tick where the UTC day changes.
 */
export function utcTickLabels(splits: readonly number[], incrMs: number): string[] {
  let prevDay = '';
  return splits.map((ts) => {
    if (!Number.isFinite(ts)) return '';
    const day = utcDate(ts);
    if (incrMs >= DAY_MS) return day.slice(5);
    const clock = utcClock(ts, incrMs < MINUTE_MS);
    const label = day !== prevDay ? `${clock}\n${day.slice(5)}` : clock;
    prevDay = day;
    return label;
  });
}
