// The declared grid of the cross-validation: the few detector parameters that decide how readily
// it fires, each at the shipped default (candidate 0, which wins ties) and one stricter alternative. The
// grid is small on purpose: with 3 outer folds, a large grid would overfit the training folds and
// the held-out figure would say so. Everything else stays at its default.
import type { SensorDetectorOptions } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { DEFAULT_ONSET_NOVELTY } from '../../../processor/src/domains/sensor/detectors/onset-novelty.ts';

const onset = DEFAULT_ONSET_NOVELTY;

export interface GridAxis {
  /** Human-readable path, e.g. `onset.shapeAlone`. */
  path: string;
  values: readonly number[];
  set(o: SensorDetectorOptions, v: number): SensorDetectorOptions;
}

export const CV_AXES: readonly GridAxis[] = [
  // Shape-record ratio that is an onset without a point alarm (onset-novelty.ts).
  { path: 'onset.shapeAlone', values: [onset.shapeAlone, onset.shapeAlone * 4 / 3], set: (o, v) => ({ ...o, onset: { ...o.onset, shapeAlone: v } }) },
  // Period-residual ratio that is an onset without a point alarm (onset-novelty.ts).
  { path: 'onset.periodAlone', values: [onset.periodAlone, onset.periodAlone * 4 / 3], set: (o, v) => ({ ...o, onset: { ...o.onset, periodAlone: v } }) },
  // Half-life of the onset records (onset-novelty.ts): how long an extreme is remembered. The
  // score scale (z0) is left out on purpose: it is the alarm calibration the simulator's recall
  // and every consumer's threshold 70 rest on, and the simulator takes no part in the choice.
  { path: 'onset.halfLife', values: [onset.halfLife, onset.halfLife * 2], set: (o, v) => ({ ...o, onset: { ...o.onset, halfLife: v } }) },
  // How fast an onset's strength learns the series' typical onset (onset-novelty.ts,
  // self-calibration): 0.02 remembers about 50 candidates, 0.1 about 10.
  { path: 'onset.typicalRate', values: [onset.typicalRate, onset.typicalRate * 5], set: (o, v) => ({ ...o, onset: { ...o.onset, typicalRate: v } }) },
];

export interface GridCandidate {
  /** `path=value` pairs, for the report. */
  label: string;
  options: SensorDetectorOptions;
}

/** Every combination of the axes; candidate 0 is every axis at its first value. */
export function expandGrid(axes: readonly GridAxis[], base: SensorDetectorOptions = {}): GridCandidate[] {
  let out: GridCandidate[] = [{ label: '', options: base }];
  for (const a of axes) {
    out = out.flatMap((c) => a.values.map((v) => ({ label: `${c.label}${c.label ? ' ' : ''}${a.path}=${v}`, options: a.set(c.options, v) })));
  }
  return out;
}
