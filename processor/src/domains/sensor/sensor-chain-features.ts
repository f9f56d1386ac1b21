/**
 * The feature vector of the sensor model chain (scaler → k-means → per-cluster anomaly model),
 * computed here once for live scoring, replays and training exports. Names and order are
 * versioned with the set name: a model card lists the set it was trained on.
 */
export const SENSOR_CHAIN_FEATURE_SET = 'sensor-chain@1';
export const SENSOR_CHAIN_FEATURES = ['pressure', 'temperature', 'flow', 'hour_sin', 'hour_cos', 'weekend'] as const;

const DAY_MS = 86_400_000;

/**
 * Channel values plus the time of day (as a point on the unit circle, so 23:59 is next to
 * 00:00) and a weekend flag, in event time (UTC). Null when a required channel is missing.
 */
export function sensorChainFeatures(ts: number, channels: Readonly<Record<string, number>>): number[] | null {
  const { pressure, temperature, flow } = channels;
  if (pressure === undefined || temperature === undefined || flow === undefined) return null;
  const angle = (2 * Math.PI * (((ts % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
  const weekday = new Date(ts).getUTCDay();
  return [pressure, temperature, flow, Math.sin(angle), Math.cos(angle), weekday === 0 || weekday === 6 ? 1 : 0];
}
