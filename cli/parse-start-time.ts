import { UsageError } from './usage-error.ts';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** 'now', an ISO time, or a relative offset such as '-7d' / '-36h'; aligned to the step. */
export function parseStartTime(text: string, nowMs: number, stepMs: number, flag = '--start'): number {
  let ts: number;
  const rel = /^-(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (text.trim() === 'now') ts = nowMs;
  else if (rel) ts = nowMs - Number(rel[1]) * UNITS[rel[2]!]!;
  else {
    ts = Date.parse(text);
    if (Number.isNaN(ts)) throw new UsageError(`${flag} expects 'now', an ISO time or -<n><s|m|h|d>, got '${text}'`);
  }
  return Math.floor(ts / stepMs) * stepMs;
}
