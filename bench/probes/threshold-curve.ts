// One-off study: NAB raw score against threshold per fold (training and held-out), for one
// detector option set, to see whether the training folds' threshold choice transfers.
import { join } from 'node:path';
import { createSensorDetector, type SensorDetectorOptions } from '../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { loadNab } from '../src/offline/offline-data.ts';
import { scoreSeries } from '../src/offline/offline-eval.ts';
import { prepareNabFile } from '../src/scoring/nab-rows.ts';
import { scorePreparedNabFile } from '../src/scoring/nab-scorer.ts';
import { NAB_FOLDS } from '../src/cv/run-cv.ts';
import { nabBounds, normaliseNab, nabFileOf, type NabCvItem } from '../src/cv/benchmark-cv.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as SensorDetectorOptions;
const nab = loadNab(join('/work/shared/data', 'nab'));
const items: NabCvItem[] = nab.series.filter((s) => nab.labels[s.name] !== undefined).map((s) => ({ kind: 'nab', name: s.name, fold: NAB_FOLDS[s.name.split('/')[0]!] ?? null, timestamps: s.stamps, windows: nab.labels[s.name]! }));
const byName = new Map(nab.series.map((s) => [s.name, s]));
const prepared = items.map((i) => ({ i, f: prepareNabFile(nabFileOf(i, scoreSeries(byName.get(i.name)!, () => createSensorDetector(opts)))) }));
const ths = [0.90, 0.905, 0.91, 0.915, 0.92, 0.925, 0.93, 0.935, 0.94, 0.945, 0.95, 0.955, 0.96, 0.97];
for (const [pn, p] of Object.entries(nab.profiles)) {
  console.log(`== ${pn}`);
  for (const fold of ['A', 'B', 'C', 'all']) {
    const sets = fold === 'all' ? [prepared.filter((x) => x.i.fold !== null)] : [prepared.filter((x) => x.i.fold !== fold), prepared.filter((x) => x.i.fold === fold && x.i.fold !== null)];
    sets.forEach((set, k) => {
      const b = nabBounds(set.map((x) => x.i), p);
      const row = ths.map((t) => normaliseNab(set.reduce((s, x) => s + scorePreparedNabFile(x.f, p, t).raw, 0), b).toFixed(1).padStart(6));
      console.log(`${fold} ${k === 0 ? (fold === 'all' ? 'all ' : 'trn ') : 'held'} ${row.join('')}`);
    });
  }
}
console.log('thresholds', ths.join(' '));
