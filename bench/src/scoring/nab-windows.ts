// Turns labelled windows (timestamp pairs) into row-index spans of one file.
import { ScoringInputError } from './scoring-error.ts';

/** Row indices of a labelled window, both inclusive. */
export interface WindowSpan {
  readonly left: number;
  readonly right: number;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/;

/**
 * A fixed-width key that sorts like the time it names, or null if `ts` is not
 * `YYYY-MM-DD HH:MM:SS[.fraction]`. Labels carry `.000000` and data rows do not, so both
 * must compare equal; no Date parsing, because local-time zones would shift or merge hours.
 */
export function timestampKey(ts: string): string | null {
  const m = TIMESTAMP.exec(ts.trim());
  if (!m) return null;
  return `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(9, '0')}`;
}

/** Keys of all row timestamps; throws on the first one that cannot be read. */
export function timestampKeys(source: string, timestamps: readonly string[]): string[] {
  return timestamps.map((ts, i) => {
    const key = timestampKey(ts);
    if (key === null) {
      throw new ScoringInputError(source, `row ${i + 1}: timestamp "${ts}" is not YYYY-MM-DD HH:MM:SS`);
    }
    return key;
  });
}

/**
 * Locates each window in file order. Timestamps need not be increasing (one NAB file repeats an
 * hour), so this never binary-searches: the left edge is the first row at or after the start,
 * the right edge the first row equal to the end (as NAB's `timestamps.index(end)`), or failing
 * that the last row before the timestamps pass the end.
 */
export function locateWindows(
  source: string,
  keys: readonly string[],
  windows: readonly (readonly [string, string])[],
): WindowSpan[] {
  const parsed = windows.map(([start, end]) => {
    const s = timestampKey(start);
    const e = timestampKey(end);
    if (s === null || e === null) {
      throw new ScoringInputError(source, `window [${start}, ${end}] has an unreadable timestamp`);
    }
    if (s > e) throw new ScoringInputError(source, `window [${start}, ${end}] ends before it starts`);
    return { start: s, end: e, label: `[${start}, ${end}]` };
  });
  parsed.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

  const spans: WindowSpan[] = [];
  let from = 0;
  let prevEnd: string | null = null;
  for (const w of parsed) {
    if (prevEnd !== null && w.start <= prevEnd) {
      throw new ScoringInputError(source, `window ${w.label} overlaps the previous window`);
    }
    let left = -1;
    for (let i = from; i < keys.length; i++) {
      if (keys[i]! >= w.start) {
        left = i;
        break;
      }
    }
    if (left < 0 || keys[left]! > w.end) {
      throw new ScoringInputError(source, `window ${w.label} contains no row of the file`);
    }
    let right = left;
    for (let j = left; j < keys.length && keys[j]! <= w.end; j++) {
      right = j;
      if (keys[j] === w.end) break;
    }
    spans.push({ left, right });
    from = right + 1;
    prevEnd = w.end;
  }
  return spans;
}
