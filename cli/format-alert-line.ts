import type { Anomaly } from '../contracts/index.ts';

/** One human line per alert: event time, severity, where, score and what drove it. */
export function formatAlertLine(a: Anomaly): string {
  const when = new Date(a.ts).toISOString().replace('T', ' ').replace('Z', '');
  const drivers = a.drivers
    .slice(0, 2)
    .map((d) => `${d.feature}=${d.value ?? '?'}${d.expected !== null ? ` (expected ${round(d.expected)})` : ''}: ${d.reason}`)
    .join('; ');
  return `${when}  ${a.severity.toUpperCase().padEnd(8)} ${a.domain}/${a.entity}  score ${a.score.toFixed(1)}  ${drivers}`;
}

const round = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
