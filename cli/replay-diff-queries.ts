import { UsageError } from './usage-error.ts';

const RUN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * ClickHouse queries comparing two runs on the events both scored: a summary (anomalies
 * gained, lost, kept; score shift), the shift by severity transition, and the largest changes.
 */
export function replayDiffQueries(runA: string, runB: string): Record<string, string> {
  for (const r of [runA, runB]) if (!RUN.test(r)) throw new UsageError(`'${r}' is not a run id`);
  const pair = `
    SELECT a.event_id AS event_id, a.entity AS entity, a.ts AS ts,
           a.score AS score_a, b.score AS score_b, a.severity AS severity_a, b.severity AS severity_b,
           a.top_feature AS driver_a, b.top_feature AS driver_b
    FROM (SELECT * FROM scores FINAL WHERE run_id = '${runA}') AS a
    INNER JOIN (SELECT * FROM scores FINAL WHERE run_id = '${runB}') AS b USING (domain, event_id)`;
  return {
    [`Summary: ${runA} → ${runB}`]: `
      SELECT count() AS events_compared,
             countIf(severity_a = '' AND severity_b != '') AS anomalies_gained,
             countIf(severity_a != '' AND severity_b = '') AS anomalies_lost,
             countIf(severity_a != '' AND severity_b != '') AS anomalies_kept,
             round(avg(score_b - score_a), 4) AS mean_score_shift,
             round(avg(abs(score_b - score_a)), 4) AS mean_abs_shift,
             round(max(abs(score_b - score_a)), 4) AS max_abs_shift,
             countIf(abs(score_b - score_a) > 1e-4) AS scores_changed
      FROM (${pair})`,
    'Severity transitions': `
      SELECT if(severity_a = '', 'none', severity_a) AS from_severity, if(severity_b = '', 'none', severity_b) AS to_severity, count() AS events
      FROM (${pair}) WHERE severity_a != severity_b GROUP BY from_severity, to_severity ORDER BY events DESC`,
    'Largest score changes': `
      SELECT entity, ts, round(score_a, 2) AS score_a, round(score_b, 2) AS score_b, driver_a, driver_b
      FROM (${pair}) ORDER BY abs(score_b - score_a) DESC LIMIT 10`,
  };
}
