// How a scored cell looks on the trip map: one bucket per cell, one colour per bucket, and the
// legend built from the same table so the two can never disagree. Surges (and anomalies with no
// direction) take the UI's severity colours, yellow → orange → red as everywhere else;
// collapses take a cold ramp, pale cyan → blue → violet, so "too many" and "too few" read apart
// at a glance. Below the anomaly threshold cells stay grey, brighter as the score rises; cells
// without a pickup are barely there.
import { DEFAULT_SEVERITY_BANDS, type LiveCellScore, type Severity } from '../../../../contracts/index.ts';

export type Rgb = readonly [number, number, number];

export type CellBucket =
  | 'idle'
  | 'normal'
  | 'elevated'
  | `surge-${Severity}`
  | `collapse-${Severity}`;

export interface TripMapPalette {
  /** Neutral grey of scores below the anomaly threshold (app.css `--sev-none`). */
  neutral: Rgb;
  /** Surge, and anomalies without a direction: the UI's severity colours (app.css `--sev-*`). */
  surge: Record<Severity, Rgb>;
  collapse: Record<Severity, Rgb>;
}

export const DEFAULT_TRIP_PALETTE: TripMapPalette = {
  neutral: [100, 116, 139],
  surge: { minor: [245, 213, 71], major: [255, 159, 28], critical: [255, 77, 94] },
  collapse: { minor: [125, 211, 252], major: [59, 130, 246], critical: [139, 92, 246] },
};

/** Scores from here up to the minor band are "elevated": still grey, but lighter. */
export const ELEVATED_SCORE = 50;

export interface CellStyle {
  bucket: CellBucket;
  /** CSS colour of the hexagon's fill. */
  fill: string;
  /** CSS colour of its outline, null for none. */
  stroke: string | null;
  /** Outline width, CSS px. */
  strokeWidth: number;
  /** Draw order: higher is drawn later (on top). */
  layer: number;
}

export type CellLike = Pick<LiveCellScore, 'score' | 'severity' | 'direction' | 'pickups'>;

const SEVERITY_LAYER: Record<Severity, number> = { minor: 3, major: 4, critical: 5 };

/** The bucket of a cell: its severity and direction, or how far below the threshold it is. */
export function cellBucket(c: CellLike): CellBucket {
  if (c.severity) return `${c.direction === 'collapse' ? 'collapse' : 'surge'}-${c.severity}`;
  if (c.pickups <= 0 && c.score < ELEVATED_SCORE) return 'idle';
  return c.score >= ELEVATED_SCORE ? 'elevated' : 'normal';
}

export function rgba([r, g, b]: Rgb, alpha: number): string {
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 1000) / 1000;
  return `rgba(${r}, ${g}, ${b}, ${a})`;
}

/** Fill and outline of a cell. Grey cells get lighter with their score, so the scale stays continuous below the threshold. */
export function cellStyle(c: CellLike, palette: TripMapPalette = DEFAULT_TRIP_PALETTE): CellStyle {
  const bucket = cellBucket(c);
  const score = Number.isFinite(c.score) ? Math.max(0, Math.min(100, c.score)) : 0;
  if (bucket === 'idle') return { bucket, fill: rgba(palette.neutral, 0.07), stroke: rgba(palette.neutral, 0.16), strokeWidth: 1, layer: 0 };
  if (bucket === 'normal' || bucket === 'elevated') {
    // 0.2 at score 0 → 0.5 just under the minor band.
    const alpha = 0.2 + 0.3 * (score / DEFAULT_SEVERITY_BANDS.minor);
    return { bucket, fill: rgba(palette.neutral, alpha), stroke: rgba(palette.neutral, Math.min(1, alpha + 0.15)), strokeWidth: 1, layer: bucket === 'normal' ? 1 : 2 };
  }
  const severity = c.severity!;
  const colour = c.direction === 'collapse' ? palette.collapse[severity] : palette.surge[severity];
  return {
    bucket,
    fill: rgba(colour, severity === 'critical' ? 0.92 : severity === 'major' ? 0.82 : 0.7),
    stroke: rgba(colour, 1),
    strokeWidth: severity === 'critical' ? 2 : 1,
    layer: SEVERITY_LAYER[severity],
  };
}

export interface LegendEntry {
  bucket: CellBucket;
  label: string;
  fill: string;
  stroke: string | null;
}

/** The legend: the grey ramp, then one row per direction with a swatch per severity. */
export function tripMapLegend(palette: TripMapPalette = DEFAULT_TRIP_PALETTE): { scale: LegendEntry[]; surge: LegendEntry[]; collapse: LegendEntry[] } {
  const entry = (bucket: CellBucket, label: string, c: CellLike): LegendEntry => {
    const s = cellStyle(c, palette);
    return { bucket, label, fill: s.fill, stroke: s.stroke };
  };
  const bands = DEFAULT_SEVERITY_BANDS;
  const sevs: Severity[] = ['minor', 'major', 'critical'];
  const row = (direction: 'surge' | 'collapse') =>
    sevs.map((severity) => entry(`${direction}-${severity}`, `${severity} ≥ ${bands[severity]}`, { score: bands[severity], severity, direction, pickups: 1 }));
  return {
    scale: [
      entry('idle', 'no pickups', { score: 0, severity: null, direction: null, pickups: 0 }),
      entry('normal', `score < ${ELEVATED_SCORE}`, { score: 25, severity: null, direction: null, pickups: 1 }),
      entry('elevated', `${ELEVATED_SCORE}–${bands.minor}`, { score: 65, severity: null, direction: null, pickups: 1 }),
    ],
    surge: row('surge'),
    collapse: row('collapse'),
  };
}
