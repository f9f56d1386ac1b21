// Display formatting for the live UI. Pure: no DOM, no wall clock, no default time zone —
// callers pass `now` and `timeZone` so the same input always renders the same text.
import type { AnomalyDriver, Severity } from '../../../contracts/index.ts';

const pad2 = (n: number) => String(n).padStart(2, '0');

interface LocalParts {
  date: string;
  time: string;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function localParts(epochMs: number, timeZone: string): LocalParts {
  let fmt = partFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partFormatters.set(timeZone, fmt);
  }
  const p: Record<string, string> = {};
  for (const { type, value } of fmt.formatToParts(epochMs)) p[type] = value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}

export interface TimeFormatOptions {
  /** IANA zone the operator reads times in, e.g. the browser's own; no default on purpose. */
  timeZone: string;
  /** Reference instant (epoch ms) deciding whether `ts` is "today" in `timeZone`. */
  now: number;
}

/** Event time as local `HH:MM:SS`, prefixed with `YYYY-MM-DD ` when it is not today. */
export function formatEventTime(ts: number, { timeZone, now }: TimeFormatOptions): string {
  if (!Number.isFinite(ts)) return '—';
  const at = localParts(ts, timeZone);
  const today = localParts(now, timeZone);
  return at.date === today.date ? at.time : `${at.date} ${at.time}`;
}

/** How long ago `ts` was relative to `now`: `now`, `12s`, `4m`, `3h`, `2d`. Future times read `now`. */
export function formatAge(ts: number, now: number): string {
  const s = Math.floor((now - ts) / 1000);
  if (!Number.isFinite(s) || s < 1) return 'now';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** A 0–100 score with one decimal (`97.3`); `100` stays `100`. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '—';
  const clamped = Math.min(100, Math.max(0, score));
  return clamped === 100 ? '100' : clamped.toFixed(1);
}

/** CSS class carrying a severity's colour (defined once in `app.css`). */
export function severityClass(severity: Severity | null | undefined): string {
  return severity ? `sev-${severity}` : 'sev-none';
}

/** How known channels are shown; anything else is shown by name with a plain number. */
export const CHANNEL_DISPLAY: Readonly<Record<string, { unit: string; decimals: number }>> = {
  pressure: { unit: 'bar', decimals: 2 },
  flow: { unit: 'm³/h', decimals: 0 },
  temperature: { unit: '°C', decimals: 1 },
};

/** A number with precision that shrinks as magnitude grows, trailing zeros trimmed. */
export function formatNumber(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toFixed(decimals);
  const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

export interface ChannelPart {
  name: string;
  value: string;
  /** Empty for channels without a known unit. */
  unit: string;
}

/** Channel values as display parts: known channels first (in `CHANNEL_DISPLAY` order), then the rest as given. */
export function channelParts(values: Readonly<Record<string, number>>): ChannelPart[] {
  const known = Object.keys(CHANNEL_DISPLAY).filter((name) => name in values);
  const rest = Object.keys(values).filter((name) => !(name in CHANNEL_DISPLAY));
  return [...known, ...rest].map((name) => formatChannel(name, values[name]));
}

/** One channel value with its unit, e.g. `{ name: 'pressure', value: '5.12', unit: 'bar' }`. */
export function formatChannel(name: string, value: number | null | undefined): ChannelPart {
  const display = CHANNEL_DISPLAY[name];
  if (!display || value == null || !Number.isFinite(value)) return { name, value: formatNumber(value), unit: display?.unit ?? '' };
  return { name, value: value.toFixed(display.decimals), unit: display.unit };
}

/** Channel values on one line: `pressure 5.12 bar · flow 812 m³/h · temperature 7.4 °C`. */
export function formatChannelValues(values: Readonly<Record<string, number>>): string {
  return channelParts(values)
    .map((p) => (p.unit ? `${p.name} ${p.value} ${p.unit}` : `${p.name} ${p.value}`))
    .join(' · ');
}

/** A driver's observed value against what was expected, e.g. `5.12 bar, expected 3.40 bar`; empty when unknown. */
export function formatDriverValue(driver: Pick<AnomalyDriver, 'feature' | 'value' | 'expected'>): string {
  if (driver.value == null) return '';
  const show = (v: number) => {
    const p = formatChannel(driver.feature, v);
    return p.unit ? `${p.value} ${p.unit}` : p.value;
  };
  const observed = show(driver.value);
  return driver.expected == null ? observed : `${observed}, expected ${show(driver.expected)}`;
}

/** Throughput with a compact suffix: `0.4/s`, `850/s`, `1.2k/s`, `12.3k/s`, `250k/s`, `1.5M/s`. */
export function formatRate(perSecond: number): string {
  return `${formatCompact(perSecond)}/s`;
}

/** A count or rate in compact form (`950`, `1.2k`, `3.4M`); one decimal below 100 of a unit. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0';
  if (n < 9.95) return trimZero(n.toFixed(1));
  if (Math.round(n) < 1000) return String(Math.round(n));
  // Each unit is used only while its rounded value stays below 1000, so 999 960 reads "1M", not "1000k".
  const units: Array<[number, string]> = [
    [1e3, 'k'],
    [1e6, 'M'],
    [1e9, 'G'],
  ];
  for (const [size, suffix] of units) {
    const scaled = n / size;
    const text = scaled < 99.95 ? trimZero(scaled.toFixed(1)) : String(Math.round(scaled));
    if (Number(text) < 1000 || suffix === 'G') return `${text}${suffix}`;
  }
  return String(Math.round(n)); // unreachable: the last unit always returns
}

/** An exact count with thousands separators: `1,234,567`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Sum of the per-domain rates in a `LiveStats.eventsPerSecond` record. */
export function totalRate(eventsPerSecond: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const v of Object.values(eventsPerSecond)) if (Number.isFinite(v)) sum += v;
  return sum;
}

function trimZero(text: string): string {
  return text.replace(/\.0$/, '');
}
