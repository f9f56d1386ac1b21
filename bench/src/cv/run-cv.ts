// `vigia bench cv`: the honest accuracy protocol, offline (no NATS, no store, a few minutes).
//
// Outer folds (3): each holds out one NAB dev category with labelled anomalies (realKnownCause,
// realAdExchange, artificialWithAnomaly) together with one group of SKAB valve1 experiments
// (0–5, 6–10, 11–15). NAB's artificialNoAnomaly files take part in every fold's training (they
// only charge false positives) and are reported apart, as false positives per day. On the
// training folds alone, the grid candidate (cv-grid.ts), the NAB threshold per profile and the
// SKAB alarm threshold are chosen (objective: NAB standard + 100 × SKAB F1 at FAR ≤ 15 %); the
// held-out fold is then scored with them. The headline is the pooled held-out figure; the
// in-sample figure (everything chosen on all of dev) stands beside it, and the gap between the
// two is the overfit. The gas-network simulator never takes part in any choice: each fold's pick
// runs on its own simulator seed, and the in-sample pick on a fault-free network gives false
// alarms per station-day (the folds' three networks without faults).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { createSensorDetector, type SensorDetectorOptions } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { evaluateOnGasNetwork, type EvaluationFigures } from '../../../processor/src/domains/sensor/evaluate-on-gas-network.ts';
import { loadNab, loadSkab, type OfflineSeries } from '../offline/offline-data.ts';
import { scoreSeries } from '../offline/offline-eval.ts';
import { readNabResults } from '../scoring/nab-files.ts';
import { probationLength } from '../scoring/nab-rows.ts';
import { crossValidate, selectCandidate } from './nested-cv.ts';
import { assessBench, fitBench, pooledHeldOut, thresholdTransfer, type BenchCvItem, type BenchCvOptions, type BenchFold, type NabCvItem, type ScoresOf } from './benchmark-cv.ts';
import { CV_AXES, expandGrid, type GridCandidate } from './cv-grid.ts';
import { anomalyLikelihood } from './anomaly-likelihood.ts';

export interface CvBenchOptions {
  nabDir: string;
  skabDir: string;
  /** Reference detector outputs (NAB layout) scored under the same protocol, e.g. data/nab-reference/ARTime. */
  referenceDirs: string[];
  /** Simulated days per seed (0 = no simulator). */
  simDays: number;
  json?: string;
  /** Override the declared grid (JSON list of detector options), for experiments. */
  grid?: GridCandidate[];
  /** Options under the declared grid (a variant under study); default the shipped defaults. */
  base?: SensorDetectorOptions;
  /** Post-process every score series causally (experiment): Numenta's anomaly likelihood. */
  calibrate?: 'likelihood';
}

/** NAB category → outer fold; a category not listed here trains every fold (no windows to score). */
export const NAB_FOLDS: Readonly<Record<string, string>> = { realKnownCause: 'A', realAdExchange: 'B', artificialWithAnomaly: 'C' };
/** SKAB valve1 experiment → outer fold: three runs of consecutive experiments. */
export function skabFold(name: string): string {
  const n = Number.parseInt(name, 10);
  return n <= 5 ? 'A' : n <= 10 ? 'B' : 'C';
}
const FOLD_SEED: Readonly<Record<string, number>> = { A: 1, B: 2, C: 3 };
/** The folds' networks again, without injected faults: every alarm on them is false. */
const FAULT_FREE_SEEDS = [1, 2, 3];

export const CV_OPTIONS_BASE: Omit<BenchCvOptions, 'profiles'> = { selectBy: 'standard', skabThresholds: [50, 60, 70, 80, 90], skabMaxFar: 0.15 };

const f2 = (v: number): string => v.toFixed(2);
const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

function nabItems(series: OfflineSeries[], labels: Record<string, readonly (readonly [string, string])[]>): NabCvItem[] {
  return series
    .filter((s) => labels[s.name] !== undefined)
    .map((s) => ({ kind: 'nab' as const, name: s.name, fold: NAB_FOLDS[s.name.split('/')[0]!] ?? null, timestamps: s.stamps, windows: labels[s.name]! }));
}

/** Detections per day after probation at `threshold` (0–1), over files without labelled anomalies. */
function detectionsPerDay(items: readonly NabCvItem[], series: Map<string, OfflineSeries>, scores: ArrayLike<number>[], threshold: number): number {
  let hits = 0;
  let ms = 0;
  items.forEach((it, k) => {
    const s = series.get(it.name)!;
    const p = probationLength(s.ts.length);
    for (let i = p; i < s.ts.length; i++) if (scores[k]![i]! / 100 >= threshold) hits++;
    ms += s.ts[s.ts.length - 1]! - s.ts[p]!;
  });
  return ms > 0 ? hits / (ms / 86_400_000) : 0;
}

export async function runCvBench(o: CvBenchOptions): Promise<unknown> {
  const t0 = performance.now();
  const grid = o.grid ?? expandGrid(CV_AXES, o.base);
  const nab = loadNab(o.nabDir);
  const skab = loadSkab(o.skabDir);
  const nabList = nabItems(nab.series, nab.labels);
  const skabList = skab.map((s) => ({ kind: 'skab' as const, name: s.name, fold: skabFold(s.name), labels: s.labels! }));
  const items: BenchCvItem[] = [...nabList, ...skabList];
  const byName = new Map([...nab.series, ...skab].map((s) => [s.name, s]));
  const opts: BenchCvOptions = { ...CV_OPTIONS_BASE, profiles: nab.profiles };

  // Every candidate scores every file once; folds only read these.
  const cache: Map<string, Float64Array>[] = [];
  grid.forEach((g, c) => {
    const m = new Map<string, Float64Array>();
    for (const it of items) {
      const raw = scoreSeries(byName.get(it.name)!, () => createSensorDetector(g.options));
      m.set(it.name, o.calibrate === 'likelihood' ? anomalyLikelihood(raw) : raw);
    }
    cache.push(m);
    console.error(`scored candidate ${c}/${grid.length - 1} ${g.label || '(defaults)'}  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  });
  const scoresOf: ScoresOf = (c, name) => cache[c]!.get(name)!;

  const folds = crossValidate(items, grid.length, (c, tr) => fitBench(c, tr, scoresOf, opts), (c, f, te) => assessBench(c, f, te, scoresOf, opts));
  const labelled = nabList.filter((i) => i.fold !== null);
  const clean = nabList.filter((i) => i.fold === null);
  const held = pooledHeldOut(folds, labelled, nab.profiles);

  // In-sample: everything chosen on all of dev, then scored on the same files.
  const inPick = selectCandidate(grid.length, items, (c, tr) => fitBench(c, tr, scoresOf, opts));
  const inFold: BenchFold = { fold: 'all', heldOut: [], candidate: inPick.candidate, trainObjective: inPick.objective, fit: inPick.fit, assessment: assessBench(inPick.candidate, inPick.fit, items.filter((i) => i.fold !== null), scoresOf, opts) };
  const inSample = pooledHeldOut([inFold], labelled, nab.profiles);

  // Reference detectors' published outputs under the same protocol (their only free choice is the threshold).
  const references: Record<string, { heldOut: Record<string, number>; inSample: Record<string, number>; thresholdTransfer: { fold: string; profiles: ReturnType<typeof thresholdTransfer> }[] }> = {};
  for (const dir of o.referenceDirs.filter((d) => existsSync(d))) {
    const ref = new Map(readNabResults(dir, nab.labels, dir.split('/').pop()).map((f) => [f.name, Float64Array.from(f.scores, (v) => 100 * v)]));
    const refOf: ScoresOf = (_c, name) => ref.get(name)!;
    const refOpts = { ...opts };
    const nabOnly = nabList;
    const rf = crossValidate(nabOnly, 1, (c, tr) => fitBench(c, tr, refOf, refOpts), (c, f, te) => assessBench(c, f, te, refOf, refOpts));
    const rin = selectCandidate(1, nabOnly, (c, tr) => fitBench(c, tr, refOf, refOpts));
    const rinF: BenchFold = { fold: 'all', heldOut: [], candidate: 0, trainObjective: 0, fit: rin.fit, assessment: assessBench(0, rin.fit, labelled, refOf, refOpts) };
    const refTransfer = rf.map((f) => ({ fold: f.fold, profiles: thresholdTransfer(f, labelled.filter((i) => i.fold === f.fold), refOf, nab.profiles) }));
    references[dir.split('/').pop()!] = { heldOut: pooledHeldOut(rf, labelled, nab.profiles).nab, inSample: pooledHeldOut([rinF], labelled, nab.profiles).nab, thresholdTransfer: refTransfer };
  }

  // --- report ---
  const profs = Object.keys(nab.profiles);
  const line = (r: Record<string, number>): string => profs.map((p) => f2(r[p]!)).join(' / ');
  console.log(`grid (${grid.length} candidates; candidate 0 = shipped defaults): ${CV_AXES.map((a) => `${a.path} ∈ {${a.values.map((v) => +v.toFixed(3)).join(', ')}}`).join('; ')}`);
  for (const f of folds) {
    console.log(
      `fold ${f.fold}: held out ${Object.keys(NAB_FOLDS).find((k) => NAB_FOLDS[k] === f.fold)} + SKAB ${f.heldOut.filter((n) => !n.includes('/')).join(',')}; chose candidate ${f.candidate} (${grid[f.candidate]!.label || 'defaults'}), ` +
        `NAB thresholds ${profs.map((p) => f.fit.nabThreshold[p]!.toFixed(4)).join('/')}, SKAB threshold ${f.fit.skabThreshold}; training NAB ${line(f.fit.nabTrain)}, SKAB F1 ${f.fit.skabTrain.f1.toFixed(3)} FAR ${pct(f.fit.skabTrain.far)}`,
    );
  }
  const transfer = folds.map((f) => ({ fold: f.fold, profiles: thresholdTransfer(f, labelled.filter((i) => i.fold === f.fold), scoresOf, nab.profiles) }));
  for (const t of transfer) {
    const r = (k: 'atTraining' | 'atOwnBest'): string => profs.map((p) => f2(t.profiles[p]![k])).join(' / ');
    console.log(`fold ${t.fold} held-out NAB at the training thresholds ${r('atTraining')}; at its own best thresholds ${r('atOwnBest')} (${profs.map((p) => t.profiles[p]!.ownThreshold.toFixed(4)).join('/')}; a diagnostic, never a choice)`);
  }
  console.log(`in-sample pick: candidate ${inPick.candidate} (${grid[inPick.candidate]!.label || 'defaults'}), NAB thresholds ${profs.map((p) => inPick.fit.nabThreshold[p]!.toFixed(4)).join('/')}, SKAB threshold ${inPick.fit.skabThreshold}`);
  console.log(`\nNAB per file (${profs.join(' / ')} raw), held-out [fold, candidate] | in-sample`);
  for (const f of folds) {
    const std = f.assessment.nab['standard']!;
    std.forEach((r, k) => {
      const inR = profs.map((p) => inFold.assessment.nab[p]!.find((x) => x.name === r.name)!.raw);
      console.log(
        `  ${r.name.padEnd(56)} [${f.fold} c${f.candidate}] ${profs.map((p) => f2(f.assessment.nab[p]![k]!.raw).padStart(6)).join(' ')}  win ${r.windowsDetected}/${r.windowsScored} fp ${String(r.falsePositives).padStart(3)}  | ${inR.map((v) => f2(v).padStart(6)).join(' ')}`,
      );
    });
  }
  const cleanScores = (c: number) => clean.map((i) => cache[c]!.get(i.name)!);
  const cleanPerDay = folds.map((f) => ({ fold: f.fold, perDay: detectionsPerDay(clean, byName, cleanScores(f.candidate), f.fit.nabThreshold['standard']!) }));
  const cleanIn = detectionsPerDay(clean, byName, cleanScores(inPick.candidate), inPick.fit.nabThreshold['standard']!);
  console.log(`  artificialNoAnomaly (trains every fold): detections/day at each fold's standard threshold ${cleanPerDay.map((c) => `${c.fold} ${c.perDay.toFixed(3)}`).join(', ')}; in-sample ${cleanIn.toFixed(3)}`);
  console.log(`\nSKAB per file, held-out tp/fp/fn/tn | in-sample`);
  for (const f of folds) {
    for (const r of f.assessment.skab) {
      const i = inFold.assessment.skab.find((x) => x.name === r.name)!;
      console.log(`  ${r.name.padEnd(8)} [${f.fold} c${f.candidate} t${f.fit.skabThreshold}] ${r.tp}/${r.fp}/${r.fn}/${r.tn}  | ${i.tp}/${i.fp}/${i.fn}/${i.tn}`);
    }
  }

  // Simulator: each fold's pick on its own seed; the in-sample pick on a fault-free network.
  let sim: { perFold: { fold: string; seed: number; figures: EvaluationFigures }[]; faultFree: EvaluationFigures } | undefined;
  if (o.simDays > 0) {
    const simCache = new Map<string, EvaluationFigures>();
    const perFold = folds.map((f) => {
      const seed = FOLD_SEED[f.fold]!;
      const key = `${f.candidate}:${seed}`;
      if (!simCache.has(key)) simCache.set(key, evaluateOnGasNetwork({ detector: grid[f.candidate]!.options, seeds: [seed], days: o.simDays }));
      return { fold: f.fold, seed, figures: simCache.get(key)! };
    });
    const faultFree = evaluateOnGasNetwork({ detector: grid[inPick.candidate]!.options, seeds: FAULT_FREE_SEEDS, days: o.simDays, faultRate: 0 });
    sim = { perFold, faultFree };
  }

  const heldSummary = `NAB ${line(held.nab)}   SKAB F1 ${held.skab.f1.toFixed(3)} FAR ${pct(held.skab.far)}`;
  const inSummary = `NAB ${line(inSample.nab)}   SKAB F1 ${inSample.skab.f1.toFixed(3)} FAR ${pct(inSample.skab.far)}`;
  console.log(`\n== NAB on the ${labelled.length} files with labelled anomalies (${profs.join(' / ')}) ==`);
  console.log(`held-out (headline): ${heldSummary}`);
  console.log(`in-sample          : ${inSummary}`);
  for (const [name, r] of Object.entries(references)) {
    console.log(`reference ${name}: held-out NAB ${line(r.heldOut)}  in-sample ${line(r.inSample)} (same files, same protocol)`);
    const own = (k: 'atTraining' | 'atOwnBest') => r.thresholdTransfer.map((t) => `${t.fold} ${profs.map((p) => f2(t.profiles[p]![k])).join('/')}`).join(', ');
    console.log(`  per fold at the training thresholds ${own('atTraining')}; at each fold's own best ${own('atOwnBest')}`);
  }
  console.log(`Vigía per fold at the training thresholds ${transfer.map((t) => `${t.fold} ${profs.map((p) => f2(t.profiles[p]!.atTraining)).join('/')}`).join(', ')}; at each fold's own best ${transfer.map((t) => `${t.fold} ${profs.map((p) => f2(t.profiles[p]!.atOwnBest)).join('/')}`).join(', ')}`);
  if (sim !== undefined) {
    const kinds = [...new Set(sim.perFold.flatMap((p) => Object.keys(p.figures.kinds)))].sort();
    const recall = (k: string): number => {
      const e = sim!.perFold.reduce((s, p) => s + (p.figures.kinds[k]?.episodes ?? 0), 0);
      const d = sim!.perFold.reduce((s, p) => s + (p.figures.kinds[k]?.detected ?? 0), 0);
      return e ? d / e : 0;
    };
    const fa = sim.perFold.reduce((s, p) => s + p.figures.falseAlarmRunsPerStationDay, 0) / sim.perFold.length;
    console.log(`simulator (held-out seeds ${sim.perFold.map((p) => `${p.fold}:${p.seed}`).join(' ')}, never used for a choice): recall ${kinds.map((k) => `${k} ${(100 * recall(k)).toFixed(0)} %`).join(', ')}; false-alarm runs/station-day ${fa.toFixed(3)}`);
    console.log(`simulator fault-free networks (seeds ${FAULT_FREE_SEEDS.join(', ')}): ${sim.faultFree.falseAlarmReadingsPerStationDay.toFixed(3)} alarm readings, ${sim.faultFree.falseAlarmRunsPerStationDay.toFixed(3)} alarm runs per station-day`);
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);

  const result = {
    protocol: 'nested CV: 3 outer folds (NAB category + SKAB experiment group); grid, NAB thresholds and SKAB threshold chosen on training folds only',
    grid: grid.map((g) => g.label || 'defaults'),
    heldOut: held,
    inSample,
    references,
    folds: folds.map((f) => ({ fold: f.fold, heldOut: f.heldOut, candidate: f.candidate, label: grid[f.candidate]!.label, fit: f.fit, nab: f.assessment.nab, skab: f.assessment.skab })),
    inSamplePick: { candidate: inPick.candidate, label: grid[inPick.candidate]!.label, fit: inPick.fit },
    cleanDetectionsPerDay: { perFold: cleanPerDay, inSample: cleanIn },
    thresholdTransfer: transfer,
    sim,
  };
  if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1]?.endsWith('run-cv.ts')) {
  const args = process.argv.slice(2);
  const arg = (k: string, d: string): string => (args.includes(k) ? args[args.indexOf(k) + 1]! : d);
  const data = arg('--data', '/work/shared/data');
  const grid = args.includes('--grid') ? (JSON.parse(arg('--grid', '[]')) as object[]).map((g) => ({ label: JSON.stringify(g), options: g })) : undefined;
  await runCvBench({
    nabDir: join(data, 'nab'),
    skabDir: join(data, 'skab', 'valve1'),
    referenceDirs: [join(data, 'nab-reference', 'ARTime')],
    simDays: Number(arg('--sim-days', '14')),
    json: args.includes('--json') ? arg('--json', '') : undefined,
    grid,
    calibrate: args.includes('--calibrate') ? (arg('--calibrate', '') as 'likelihood') : undefined,
    base: args.includes('--base') ? (JSON.parse(arg('--base', '{}')) as SensorDetectorOptions) : undefined,
  });
}
