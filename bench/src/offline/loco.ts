// Leave-one-category-out check of detector parameters on NAB: for each category, the grid point
// that scores best on the other categories, and how the held-out category fares with it.
//   node --import tsx bench/src/offline/loco.ts '<JSON array of detector options>'
import { createSensorDetector, type SensorDetectorOptions } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { loadNab } from './offline-data.ts';
import { scoreNabFromFiles, scoreSeries } from './offline-eval.ts';
import { scoreNabFile } from '../scoring/nab-scorer.ts';

const grid = JSON.parse(process.argv[2] ?? '[{}]') as SensorDetectorOptions[];
const nab = loadNab(process.argv[3] ?? '/work/shared/data/nab');
const series = nab.series.filter((s) => nab.labels[s.name] !== undefined);
const cat = (name: string): string => name.split('/')[0]!;
const cats = [...new Set(series.map((s) => cat(s.name)))];
const perConfig = grid.map((opts) =>
  series.map((s) => ({
    name: s.name,
    timestamps: s.stamps,
    scores: Array.from(scoreSeries(s, () => createSensorDetector(opts)), (v) => Math.min(1, Math.max(0, v / 100))),
    windows: nab.labels[s.name]!,
  })),
);
const std = (files: (typeof perConfig)[number], keep: (n: string) => boolean) => scoreNabFromFiles(files.filter((f) => keep(f.name)), nab)['standard']!;
const full = perConfig.map((f) => std(f, () => true).score);
grid.forEach((g, i) => console.log(`config ${i} ${JSON.stringify(g)}: standard ${full[i]!.toFixed(2)}`));
for (const c of cats) {
  const others = perConfig.map((f) => std(f, (n) => cat(n) !== c).score);
  const pick = others.indexOf(Math.max(...others));
  // Held-out raw at the threshold chosen on the other categories (the threshold is tuned too).
  const held = perConfig.map((f) => {
    const t = std(f, (n) => cat(n) !== c).threshold;
    return f.filter((x) => cat(x.name) === c).reduce((s, x) => s + scoreNabFile(x, nab.profiles['standard']!, t).raw, 0);
  });
  console.log(`hold out ${c.padEnd(22)} pick config ${pick} (others ${others[pick]!.toFixed(2)}); held-out raw: pick ${held[pick]!.toFixed(2)}, per config ${held.map((h) => h.toFixed(2)).join(' ')}; corpus with pick ${full[pick]!.toFixed(2)}`);
}
