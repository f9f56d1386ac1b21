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
  bars: ExplanationBar[];
  /** Largest |value|, the chart's full width (at least 1). */
  scale: number;
}

const groupOf = (feature: string) => (feature.includes('.') ? feature.slice(0, feature.indexOf('.')) : feature);
const featureOf = (feature: string) => (feature.includes('.') ? feature.slice(feature.indexOf('.') + 1) : feature);

export function explanationOf(attributions: readonly Attribution[] | undefined, drivers: readonly AnomalyDriver[]): Explanation {
  if (attributions && attributions.length > 0) {
    const bars = [...attributions].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).map((a) => ({ group: a.group, value: a.value, features: '' }));
    return { kind: 'shapley', bars, scale: Math.max(1, ...bars.map((b) => Math.abs(b.value))) };
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
  return { kind: bars.length ? 'drivers' : 'none', bars, scale: bars.length ? 100 : 1 };
}
