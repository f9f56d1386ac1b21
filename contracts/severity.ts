import { z } from 'zod';

/** Severity bands of a normalised 0–100 score, lowest first. Used in NATS subjects. */
export const SEVERITIES = ['minor', 'major', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Lower score bound of each band (inclusive). Below `minor` a score is not an anomaly. */
export interface SeverityBands {
  minor: number;
  major: number;
  critical: number;
}

export const DEFAULT_SEVERITY_BANDS: SeverityBands = { minor: 70, major: 85, critical: 95 };

/** The band a score falls in, or null when it is below the anomaly threshold. */
export function severityOf(score: number, bands: SeverityBands = DEFAULT_SEVERITY_BANDS): Severity | null {
  if (score >= bands.critical) return 'critical';
  if (score >= bands.major) return 'major';
  if (score >= bands.minor) return 'minor';
  return null;
}
