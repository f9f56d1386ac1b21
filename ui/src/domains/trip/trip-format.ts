// Display text of the trip view: money, fare gaps, pickups against what was expected. Pure.
import type { DemandDirection } from '../../../../contracts/index.ts';
import { formatNumber } from '../../lib/format.ts';

/** US dollars with cents: `$12.50`, `-$3.00`, `$1,234.00`; `—` when unknown. */
export function formatUsd(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const sign = value < 0 ? '-' : '';
  const [int, cents] = Math.abs(value).toFixed(2).split('.');
  return `${sign}$${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

export interface FareGap {
  /** `+$7.20`, `-$3.10`; `—` when the expected fare is unknown. */
  amount: string;
  /** `+58%`, `-21%`; empty when there is no expectation to compare with. */
  percent: string;
  /** Which way the fare departs from what was expected. */
  sign: 'over' | 'under' | 'none';
}

/** How far a fare is from what was expected. */
export function fareGap(fare: number, expected: number | null | undefined): FareGap {
  if (expected == null || !Number.isFinite(expected) || !Number.isFinite(fare)) return { amount: '—', percent: '', sign: 'none' };
  const diff = Math.round((fare - expected) * 100) / 100;
  const amount = diff === 0 ? '$0.00' : `${diff > 0 ? '+' : ''}${formatUsd(diff)}`;
  const percent = expected > 0 ? `${diff >= 0 ? '+' : '-'}${Math.round((Math.abs(diff) / expected) * 100)}%` : '';
  return { amount, percent, sign: diff > 0 ? 'over' : diff < 0 ? 'under' : 'none' };
}

/** `surge`, `collapse`, or `—`. */
export function formatDirection(direction: DemandDirection | null | undefined): string {
  return direction ?? '—';
}

/** Pickups against the baseline: `42 vs 18.5 expected`, or `42 (no baseline yet)`. */
export function formatPickups(pickups: number, expected: number | null | undefined): string {
  const p = formatNumber(pickups);
  return expected == null || !Number.isFinite(expected) ? `${p} (no baseline yet)` : `${p} vs ${formatNumber(expected)} expected`;
}

/** Trip distance and duration: `3.2 mi · 14 min`; parts that are unknown are left out. */
export function formatTripShape(distanceMi: number, durationMin: number): string {
  const parts: string[] = [];
  if (Number.isFinite(distanceMi)) parts.push(`${formatNumber(distanceMi)} mi`);
  if (Number.isFinite(durationMin)) parts.push(`${formatNumber(durationMin)} min`);
  return parts.join(' · ') || '—';
}
