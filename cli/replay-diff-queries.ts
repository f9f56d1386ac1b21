import { DOMAIN_MODULES, registeredDomains } from '../processor/src/domains/registry.ts';
import { UsageError } from './usage-error.ts';

const RUN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * ClickHouse queries comparing two runs of a domain on the items both scored: a summary per
 * kind of item (anomalies gained, lost, kept; score shift), the shift by severity transition,
 * and the largest changes.
 */
export function replayDiffQueries(runA: string, runB: string, domain: string): Record<string, string> {
  for (const r of [runA, runB]) if (!RUN.test(r)) throw new UsageError(`'${r}' is not a run id`);
  const module = DOMAIN_MODULES.find((m) => m.name === domain);
  if (!module) throw new UsageError(`replay diff: --domain expects ${registeredDomains().join(', ')}, got '${domain}'`);
  // What each run scored, as (item, event_id, entity, ts, score, severity, top_feature).
  const scoredItems = (_d: string, run: string) => module.replay.scoredItemsQuery(run);
  const pair = `
    SELECT a.item AS item, a.event_id AS event_id, a.entity AS entity, a.ts AS ts,
           a.score AS score_a, b.score AS score_b, a.severity AS severity_a, b.severity AS severity_b,
           a.top_feature AS driver_a, b.top_feature AS driver_b
    FROM (${scoredItems(domain, runA)}) AS a
    INNER JOIN (${scoredItems(domain, runB)}) AS b USING (item, event_id)`;
  return {
    [`Summary: ${runA} → ${runB}`]: `
      SELECT count() AS events_compared,
             countIf(severity_a = '' AND severity_b != '') AS anomalies_gained,
             countIf(severity_a != '' AND severity_b = '') AS anomalies_lost,
             countIf(severity_a != '' AND severity_b != '') AS anomalies_kept,
             round(avg(score_b - score_a), 4) AS mean_score_shift,
             round(avg(abs(score_b - score_a)), 4) AS mean_abs_shift,
             round(max(abs(score_b - score_a)), 4) AS max_abs_shift,
             countIf(abs(score_b - score_a) > 1e-4) AS scores_changed,
             item
      FROM (${pair}) GROUP BY item ORDER BY item`,
    'Severity transitions': `
      SELECT item, if(severity_a = '', 'none', severity_a) AS from_severity, if(severity_b = '', 'none', severity_b) AS to_severity, count() AS events
      FROM (${pair}) WHERE severity_a != severity_b GROUP BY item, from_severity, to_severity ORDER BY events DESC`,
    'Largest score changes': `
      SELECT item, entity, ts, round(score_a, 2) AS score_a, round(score_b, 2) AS score_b, driver_a, driver_b
      FROM (${pair}) ORDER BY abs(score_b - score_a) DESC LIMIT 10`,
  };
}
