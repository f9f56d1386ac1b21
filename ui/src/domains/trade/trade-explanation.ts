// What the bar chart of an anomaly shows. The autoencoder's exact Shapley values per feature
// group when the anomaly carries them; otherwise the detector's drivers, grouped by the feature
// group their name starts with (`price.uv_z` → price) and labelled as drivers: they are scores
// of single signals, not additive shares of the score, and the chart must not pass them off as such.
import type { AnomalyDriver, Attribution } from '../../../../contracts/index.ts';

export interface ExplanationBar {
  group: string;
  /** A Shapley value (score points, may be negative) or a driver's own score (0–100). */
  value: number;
  /** Features behind a driver bar, e.g. `uv_z, uv_dest_z`; empty for Shapley bars. */
  features: string;
}

export interface Explanation {
  kind: 'shapley' | 'drivers' | 'none';
  /** What the bars are, in words, and what score they add up to. */
  caption: string;
  /**
   * Set when the shown score is not the one the bars explain: a rule or behavioural signal beside
   * the model decided it (final score = max(model, rules and signals)).
   */
  note: string;
  bars: ExplanationBar[];
  /** Largest |value|, the chart's full width (at least 1). */
  scale: number;
}

const groupOf = (feature: string) => (feature.includes('.') ? feature.slice(0, feature.indexOf('.')) : feature);
const featureOf = (feature: string) => (feature.includes('.') ? feature.slice(feature.indexOf('.') + 1) : feature);

/** The model score the Shapley values add up to, from the background's mean (`baseline`). */
export interface ExplainedScore {
  modelScore: number;
  baseline: number;
}

const SHAPLEY_CAPTION = 'Shapley value per feature group (score points)';
const DRIVERS_CAPTION = 'drivers by feature group (signal score 0–100, not Shapley)';

/**
 * `score` is the anomaly's shown score; `explained` what the Shapley values explain. The two
 * differ when a rule or signal scored higher than the model: the bars then still explain the
 * model's score, and the note says so rather than let the bars pass for the shown score's parts.
 */
export function explanationOf(attributions: readonly Attribution[] | undefined, drivers: readonly AnomalyDriver[], score?: number, explained?: ExplainedScore | null): Explanation {
  if (attributions && attributions.length > 0) {
    const bars = [...attributions].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).map((a) => ({ group: a.group, value: a.value, features: '' }));
    const caption = explained ? `${SHAPLEY_CAPTION}: the model's score ${explained.modelScore.toFixed(1)} = baseline ${explained.baseline.toFixed(1)} + bars` : SHAPLEY_CAPTION;
    // Scores are shown to one decimal; a difference below that is the same score.
    const note = explained && score !== undefined && score - explained.modelScore >= 0.05 ? `shown score ${score.toFixed(1)} set by the rules and signals beside the model` : '';
    return { kind: 'shapley', caption, note, bars, scale: Math.max(1, ...bars.map((b) => Math.abs(b.value))) };
  }
  // A group's bar is its strongest driver; the others of the group are named beside it.
  const byGroup = new Map<string, ExplanationBar>();
  for (const d of drivers) {
    const g = groupOf(d.feature);
    const bar = byGroup.get(g);
    if (!bar) byGroup.set(g, { group: g, value: d.score, features: featureOf(d.feature) });
    else {
      bar.value = Math.max(bar.value, d.score);
      bar.features += `, ${featureOf(d.feature)}`;
    }
  }
  const bars = [...byGroup.values()].sort((a, b) => b.value - a.value);
  return bars.length ? { kind: 'drivers', caption: DRIVERS_CAPTION, note: '', bars, scale: 100 } : { kind: 'none', caption: 'no explanation', note: '', bars, scale: 1 };
}
