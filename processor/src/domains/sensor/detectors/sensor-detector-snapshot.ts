// The persisted form of the online sensor detector's state, versioned so a later reader can
// refuse (or migrate) an older format instead of silently mis-reading it.

import { z } from 'zod';

export const SENSOR_SNAPSHOT_FORMAT = 'vigia.sensor-detector-state';
export const SENSOR_SNAPSHOT_VERSION = 7;
/**
 * Versions this build restores: 5 kept every onset window normalised and the arrays as number
 * lists; 6 keeps the onset windows' block means once (with the centre and spread of the oldest),
 * and the large arrays as base64; 7 adds the point component's last reading time and learnt
 * interval (`ewma.lastTs`, `ewma.step`: gaps), which an older snapshot lacks and relearns.
 */
export const SENSOR_SNAPSHOT_READABLE = [5, 6, 7] as const;

const num = z.number().refine(Number.isFinite, 'state numbers must be finite');
const count = z.number().int().min(0);
/** Float64 values as base64 (f64-base64.ts): whole doubles only. */
const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'base64 text expected');

const EwmaResidualState = z.object({
  n: count,
  level: num,
  trend: num,
  mad: num,
  quantum: num,
  prev: num,
  prev2: num,
  diff1: num,
  diff2: num,
  outRun: z.number().int(),
  /** Version 7 on. */
  lastTs: num.optional(),
  step: num.optional(),
});

const FlatlineState = z.object({
  n: count,
  last: num,
  run: count,
  startTrials: num,
  startRepeats: num,
  contTrials: num,
  contRepeats: num,
});

const LevelShiftState = z.object({
  n: count,
  lastX: num,
  noiseMad: num,
  fastLevel: num,
  profile: z.array(num),
  visits: z.array(count),
  visitBin: z.number().int().min(-1),
  visitSumD: num,
  visitCountD: count,
  visitSumRaw: num,
  visitCountRaw: count,
  visitSumU: num,
  m: num,
  madM: num,
  readyN: count,
});

const RelationState = z.object({
  target: z.string(),
  regressor: z.string(),
  n: count,
  cx: num,
  sx: num,
  cy: num,
  sy: num,
  mom: z.array(num).length(9),
  mad: num,
  m: num,
  fast: num,
  madLong: num,
  madM: num,
  fitted: count,
  frozen: count,
});

const RegimeOffsetState = z.object({ n: count, last: num, noiseMad: num, mean: num, ref: num, spread: num, frozen: count, calmAgo: count });

const OnsetNoveltyState = z.object({
  n: count,
  sinceOnset: num,
  lastRatio: num,
  /** Absent before the onset's self-calibration: starts again from the prior. */
  typical: num.optional(),
  pointPeak: num,
  pointN: count,
  sustained: z.array(num),
  sustainPeak: num,
  sustainN: count,
  scales: z.array(
    z.union([
      z.object({
        acc: num,
        cnt: count,
        k: count,
        centre: num,
        spread: num,
        recent: z.array(num),
        filled: count,
        vals: base64,
        old: z.tuple([count, num, num]),
        legacy: base64,
        peak: num,
        recordN: count,
      }),
      // Version 5.
      z.object({
        acc: num,
        cnt: count,
        k: count,
        centre: num,
        spread: num,
        recent: z.array(num),
        filled: count,
        store: z.array(num),
        head: count,
        stored: count,
        peak: num,
        recordN: count,
      }),
    ]),
  ),
});

const PeriodResidualState = z.object({
  lastTs: z.number().refine(Number.isFinite, 'state numbers must be finite'),
  gaps: z.array(num),
  block: count,
  acc: num,
  cnt: count,
  means: z.union([base64, z.array(num)]),
  nBlocks: count,
  periods: z.array(z.object({ sum: num, res: z.array(num), spread: num, n: count, peak: num, phaseSpread: z.array(num), phaseN: z.array(num) })),
});

const JointDeviationState = z.object({ dims: count, cov: z.array(num), pairN: z.array(num), dimN: z.array(num) });

export const SensorDetectorSnapshot = z.object({
  format: z.literal(SENSOR_SNAPSHOT_FORMAT),
  version: z.union([z.literal(5), z.literal(6), z.literal(7)]),
  /** Name and version of the detector that wrote it. */
  detector: z.string(),
  /** The options that shape the state arrays; a detector restores only a matching layout. */
  layout: z.object({
    periodMs: z.number(),
    bins: z.number().int(),
    onset: z.object({ strides: z.array(z.number().int()), width: z.number().int(), memory: z.number().int() }),
  }),
  stations: z.array(
    z.object({
      station: z.string(),
      channels: z.array(
        z.object({
          name: z.string(),
          ewma: EwmaResidualState,
          flatline: FlatlineState,
          levelShift: LevelShiftState,
          regime: RegimeOffsetState,
          onset: OnsetNoveltyState,
          period: PeriodResidualState,
        }),
      ),
      relations: z.array(RelationState),
      joint: JointDeviationState,
    }),
  ),
});
export type SensorDetectorSnapshot = z.infer<typeof SensorDetectorSnapshot>;

export class SensorDetectorSnapshotError extends Error {
  override name = 'SensorDetectorSnapshotError';
  constructor(
    message: string,
    /** Where in the snapshot the problem is, e.g. `stations.3.channels.0.levelShift.profile`. */
    readonly path: string,
  ) {
    super(message);
  }
}

/** Parses and checks a snapshot's shape and internal consistency against the expected layout. */
export interface SensorSnapshotLayout {
  periodMs: number;
  bins: number;
  onset: { strides: number[]; width: number; memory: number };
}

export function parseSensorSnapshot(raw: unknown, layout: SensorSnapshotLayout): SensorDetectorSnapshot {
  const head = z.object({ format: z.string(), version: z.number() }).safeParse(raw);
  if (!head.success || head.data.format !== SENSOR_SNAPSHOT_FORMAT) {
    throw new SensorDetectorSnapshotError(`not a sensor detector snapshot (expected format "${SENSOR_SNAPSHOT_FORMAT}")`, 'format');
  }
  if (!(SENSOR_SNAPSHOT_READABLE as readonly number[]).includes(head.data.version)) {
    throw new SensorDetectorSnapshotError(
      `sensor detector snapshot version ${head.data.version} is not supported (this build reads versions ${SENSOR_SNAPSHOT_READABLE.join(', ')}); start with fresh state`,
      'version',
    );
  }
  const parsed = SensorDetectorSnapshot.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.join('.') : '';
    throw new SensorDetectorSnapshotError(`invalid sensor detector snapshot at ${path || '(root)'}: ${issue?.message ?? 'unknown'}`, path);
  }
  const s = parsed.data;
  if (s.layout.periodMs !== layout.periodMs || s.layout.bins !== layout.bins) {
    throw new SensorDetectorSnapshotError(
      `snapshot was taken with levelShift periodMs=${s.layout.periodMs}, bins=${s.layout.bins} but this detector uses periodMs=${layout.periodMs}, bins=${layout.bins}; use the same options or start with fresh state`,
      'layout',
    );
  }
  const on = s.layout.onset;
  if (on.width !== layout.onset.width || on.memory !== layout.onset.memory || on.strides.join(',') !== layout.onset.strides.join(',')) {
    throw new SensorDetectorSnapshotError(
      `snapshot was taken with onset strides=[${on.strides}], width=${on.width}, memory=${on.memory} but this detector uses strides=[${layout.onset.strides}], width=${layout.onset.width}, memory=${layout.onset.memory}; use the same options or start with fresh state`,
      'layout.onset',
    );
  }
  s.stations.forEach((st, i) => {
    const d = st.channels.length;
    st.channels.forEach((c, j) => {
      const ls = c.levelShift;
      if (ls.profile.length !== layout.bins || ls.visits.length !== layout.bins || ls.visitBin >= layout.bins) {
        throw new SensorDetectorSnapshotError(`profile of channel ${c.name} does not have ${layout.bins} bins`, `stations.${i}.channels.${j}.levelShift`);
      }
      const scales = c.onset.scales;
      const w = layout.onset.width;
      const M = layout.onset.memory;
      const f64s = (b: string): number => (b.length / 4) * 3 - (b.endsWith('==') ? 2 : b.endsWith('=') ? 1 : 0);
      const bad =
        scales.length !== layout.onset.strides.length ||
        scales.some((x) => {
          if (x.recent.length !== w || ('store' in x) !== (s.version === 5)) return true;
          if ('store' in x) return x.stored > M || x.store.length !== x.stored * w || x.head >= M;
          const bytes = [f64s(x.vals), f64s(x.legacy)];
          if (bytes.some((b) => b % 8 !== 0)) return true;
          const [vals, legacy] = bytes.map((b) => b / 8) as [number, number];
          // Block means: those of the held windows (or, before any, fewer than a window's).
          const windows = Math.max(0, vals - (w - 1));
          return legacy % w !== 0 || windows + legacy / w > M || x.filled > w;
        });
      if (bad) {
        throw new SensorDetectorSnapshotError(`onset state of channel ${c.name} does not match the onset layout`, `stations.${i}.channels.${j}.onset`);
      }
    });
    const jd = st.joint;
    if (jd.dims !== d || jd.cov.length !== d * d || jd.pairN.length !== d * d || jd.dimN.length !== d) {
      throw new SensorDetectorSnapshotError(`joint state of station ${st.station} does not match its ${d} channels`, `stations.${i}.joint`);
    }
    // Relations are stored in the order the detector creates them: for each channel j, the
    // pairs (j, k) and (k, j) for every earlier channel k.
    const names = st.channels.map((c) => c.name);
    const expected: string[] = [];
    names.forEach((n, j) => names.slice(0, j).forEach((k) => expected.push(`${n}~${k}`, `${k}~${n}`)));
    const got = st.relations.map((r) => `${r.target}~${r.regressor}`);
    if (got.length !== expected.length || got.some((g, p) => g !== expected[p])) {
      throw new SensorDetectorSnapshotError(`relations of station ${st.station} do not match its channels`, `stations.${i}.relations`);
    }
  });
  return s;
}
