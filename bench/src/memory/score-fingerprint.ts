// Fingerprint of the sensor detector's scores on the NAB and SKAB files, offline (no servers):
//   node --import tsx bench/src/memory/score-fingerprint.ts [--nab DIR] [--skab DIR] [--only SUBSTR] [--evict-every N]
// One line per file: its name and a SHA-256 of its score series (float64 bytes). Run it before and
// after a change to the detector's state layout: identical lines = identical verdicts, so the
// NAB/SKAB figures cannot have moved. With --evict-every N the station's state is evicted,
// serialized, deserialized and revived every N readings (as the key budget does with idle keys):
// the lines must not change either.
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { createSensorDetector } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import type { ReadingScorer } from '../../../processor/src/domains/sensor/detectors/reading-scorer.ts';
import { loadNab, loadSkab } from '../offline/offline-data.ts';
import { scoreSeries } from '../offline/offline-eval.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1]! : d;
};
const only = arg('--only', '');
const evictEvery = Number(arg('--evict-every', '0'));

/** A detector whose station leaves memory and comes back every `every` readings. */
function evictingDetector(every: number): ReadingScorer {
  const det = createSensorDetector();
  let n = 0;
  return {
    score(station, ts, channels) {
      if (++n % every === 0) {
        const st = det.evictStation(station);
        if (st) det.reviveStation(deserialize(serialize(st)) as typeof st);
      }
      return det.score(station, ts, channels);
    },
    snapshot: () => det.snapshot(),
    restore: (s) => det.restore(s),
  };
}
const series = [...loadNab(arg('--nab', '/work/shared/data/nab')).series, ...loadSkab(arg('--skab', '/work/shared/data/skab/valve1'))];
for (const s of series) {
  if (only && !s.name.includes(only)) continue;
  const scores = scoreSeries(s, () => (evictEvery > 0 ? evictingDetector(evictEvery) : createSensorDetector()));
  const hash = createHash('sha256').update(new Uint8Array(scores.buffer)).digest('hex').slice(0, 16);
  console.log(`${s.name.padEnd(60)} ${String(scores.length).padStart(6)} ${hash}`);
}
