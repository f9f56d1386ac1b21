// New York wall-clock time → UTC, for files that record local time without a zone (the NAB
// demand series, TLC trip records). Pure: no Intl, no Date.now.
import { nycUtcOffsetMs } from '../../../contracts/index.ts';

/**
 * Epoch ms of a New York wall-clock time given as if it were UTC (`Date.UTC(y, m, d, h, …)`).
 * The hour skipped in March is read as EST, i.e. one hour on (02:30 → 03:30 EDT), so it is
 * not monotonic there: wall 02:40 comes out after wall 03:10. The hour repeated in November is
 * read as daylight time (01:30 → 01:30 EDT).
 */
export function nycWallToUtc(wallAsUtcMs: number): number {
  const est = wallAsUtcMs + 5 * 3_600_000;
  return nycUtcOffsetMs(est - 3_600_000) === -4 * 3_600_000 ? wallAsUtcMs + 4 * 3_600_000 : est;
}
