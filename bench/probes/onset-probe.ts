// Research probe (not part of the pipeline): the onset component's per-scale record ratios around
// given rows of one NAB file.  node --import tsx bench/probes/onset-probe.ts FILE ROW[,ROW...]
import { loadNab } from '../src/offline/offline-data.ts';
import { EwmaResidual, resolveEwmaResidualOptions } from '../../processor/src/domains/sensor/detectors/ewma-residual.ts';
import { Flatline, resolveFlatlineOptions } from '../../processor/src/domains/sensor/detectors/flatline.ts';
import { LevelShift, resolveLevelShiftOptions } from '../../processor/src/domains/sensor/detectors/level-shift.ts';
import { OnsetNovelty, resolveOnsetNoveltyOptions } from '../../processor/src/domains/sensor/detectors/onset-novelty.ts';

const nab = loadNab('/work/shared/data/nab');
const s = nab.series.find((x) => x.name.includes(process.argv[2]!))!;
const rows = process.argv[3]!.split(',').map(Number);
const ew = new EwmaResidual(resolveEwmaResidualOptions());
const fl = new Flatline(resolveFlatlineOptions());
const sh = new LevelShift(resolveLevelShiftOptions());
const on = new OnsetNovelty(resolveOnsetNoveltyOptions());
const z: number[] = [], rr: number[] = [];
for (let i = 0; i < s.rows.length; i++) {
  const v = s.rows[i]![0]!;
  const b = Math.max(ew.update(v, s.ts[i]!).surprise, fl.update(v, s.ts[i]!).surprise, sh.update(v, s.ts[i]!).surprise);
  on.update(v, b);
  z.push(b);
  rr.push(on.rawRatio);
}
for (const r of rows) {
  let mz = 0, mr = 0;
  for (let i = r - 12; i <= r + 12; i++) { mz = Math.max(mz, z[i] ?? 0); mr = Math.max(mr, rr[i] ?? 0); }
  console.log(`${s.name} row ${r}: max z ${mz.toFixed(1)}, max ratio ${mr.toFixed(2)}`);
}
