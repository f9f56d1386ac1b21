// What every online sensor component reports after each reading.
//
// Components return *themselves* from `update` (the fields below are overwritten in place) so the
// hot path allocates nothing per reading; `reason` is a getter, so the human text is only built
// for the few readings that end up as anomaly drivers.

import { fourSignificant } from './four-significant.ts';

/** The outcome of one component for the latest reading of one channel (or station). */
export interface ComponentOutput {
  /** Equivalent two-sided Gaussian |z| of the latest reading under this component's model; 0 during warm-up. */
  readonly surprise: number;
  /** What the component expected for the latest reading, when it has such a notion. */
  readonly expected: number | null;
  /** Short human reason for the latest surprise, e.g. "value unchanged for 14 readings". */
  readonly reason: string;
}

/** Validates a numeric option, so a typo fails at construction and not as NaN scores. */
export function checkOption(component: string, name: string, value: unknown, min: number, max: number, minInclusive = true): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (minInclusive ? value >= min : value > min) && value <= max;
  if (!ok) throw new DetectorOptionsError(component, name, value, `${minInclusive ? '≥' : '>'} ${min} and ≤ ${max}`);
  return value;
}

export class DetectorOptionsError extends Error {
  override name = 'DetectorOptionsError';
  constructor(
    readonly component: string,
    readonly option: string,
    readonly value: unknown,
    readonly expectedRange: string,
  ) {
    super(`${component} option ${option} must be a finite number ${expectedRange}, got ${String(value)}`);
  }
}

/** Compact number for reasons: 4 significant digits, no exponent for ordinary magnitudes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return fourSignificant(x) ?? String(Number(x.toPrecision(4)));
}
