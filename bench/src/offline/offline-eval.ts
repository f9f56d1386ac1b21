// Offline (no servers) evaluation of a reading scorer on NAB and SKAB: every file is fed as its
// own station into a fresh scorer, in file order, and the scores go through the bench scorers.
import { prepareNabCorpus, scorePreparedNabCorpus, type NabCorpusResult } from '../scoring/nab-scorer.ts';
import { scoreSkab, type SkabResult } from '../scoring/skab-scorer.ts';
import type { ReadingScorer } from '../../../processor/src/domains/sensor/detectors/reading-scorer.ts';
import type { NabData, OfflineSeries } from './offline-data.ts';

/** Scores every row of one series with a fresh scorer; returns 0–100 scores. */
export function scoreSeries(s: OfflineSeries, make: () => ReadingScorer): Float64Array {
  const det = make();
  const out = new Float64Array(s.rows.length);
  const rec: Record<string, number> = {};
  const station = `file:${s.name}`;
  for (let i = 0; i < s.rows.length; i++) {
    const row = s.rows[i]!;
    for (let c = 0; c < s.channels.length; c++) rec[s.channels[c]!] = row[c]!;
    out[i] = det.score(station, s.ts[i]!, rec).score;
  }
  return out;
}

export interface NabOutcome {
  profiles: Record<string, NabCorpusResult>;
  scores: Map<string, Float64Array>;
}

export function evaluateNab(data: NabData, make: () => ReadingScorer, only?: (name: string) => boolean): NabOutcome {
  const scores = new Map<string, Float64Array>();
  const files = data.series
    .filter((s) => data.labels[s.name] !== undefined && (only === undefined || only(s.name)))
    .map((s) => {
      const sc = scoreSeries(s, make);
      scores.set(s.name, sc);
      return { name: s.name, timestamps: s.stamps, scores: Array.from(sc, (v) => Math.min(1, Math.max(0, v / 100))), windows: data.labels[s.name]! };
    });
  return { profiles: scoreNabFromFiles(files, data), scores };
}

export function scoreNabFromFiles(files: Parameters<typeof prepareNabCorpus>[0], data: NabData): Record<string, NabCorpusResult> {
  const corpus = prepareNabCorpus(files);
  const profiles: Record<string, NabCorpusResult> = {};
  for (const [name, p] of Object.entries(data.profiles)) profiles[name] = scorePreparedNabCorpus(corpus, p);
  return profiles;
}

export interface SkabOutcome extends SkabResult {
  scores: Map<string, Float64Array>;
}

export function evaluateSkab(series: OfflineSeries[], make: () => ReadingScorer, threshold = 70): SkabOutcome {
  const scores = new Map<string, Float64Array>();
  const files = series.map((s) => {
    const sc = scoreSeries(s, make);
    scores.set(s.name, sc);
    return { name: s.name, predictions: Array.from(sc, (v) => (v >= threshold ? 1 : 0)), labels: s.labels! };
  });
  return { ...scoreSkab(files), scores };
}
