// Research probe (not part of the pipeline): NAB per category and with each category left out,
// every subset scored as NAB scores a corpus (its own threshold per profile), for a list of
// detector options, so one sees whether a change helps beyond the categories that motivated it.
//   node --import tsx bench/src/offline/subsets.ts '<JSON array of detector options>'
import { createSensorDetector, type SensorDetectorOptions } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { loadNab } from './offline-data.ts';
import { scoreNabFromFiles, scoreSeries } from './offline-eval.ts';

const grid = JSON.parse(process.argv[2] ?? '[{}]') as SensorDetectorOptions[];
const nab = loadNab(process.argv[3] ?? '/work/shared/data/nab');
const series = nab.series.filter((s) => nab.labels[s.name] !== undefined);
const cat = (name: string): string => name.split('/')[0]!;
const cats = [...new Set(series.map((s) => cat(s.name)))];
for (const opts of grid) {
  const files = series.map((s) => ({
    name: s.name,
    timestamps: s.stamps,
    scores: Array.from(scoreSeries(s, () => createSensorDetector(opts)), (v) => Math.min(1, Math.max(0, v / 100))),
    windows: nab.labels[s.name]!,
  }));
  const fmt = (keep: (n: string) => boolean): string => {
    const part = files.filter((f) => keep(f.name));
    if (!part.some((f) => f.windows.length > 0)) return '-';
    const r = scoreNabFromFiles(part, nab);
    return Object.values(r).map((p) => p.score.toFixed(1)).join('/');
  };
  console.log(`${JSON.stringify(opts)}: all ${fmt(() => true)}`);
  for (const c of cats) console.log(`  without ${c.padEnd(22)} ${fmt((n) => cat(n) !== c).padEnd(16)} only ${fmt((n) => cat(n) === c)}`);
}
