/** What /health knows of one domain: events waiting in its consumers, and when it last committed. */
export interface DomainProgress {
  /** Messages pending or delivered-but-unacked across the domain's consumers; undefined = unknown. */
  lag: number | undefined;
  /** Wall-clock ms of the last committed batch; undefined = none since start. */
  lastCommitMs: number | undefined;
  /** Wall-clock ms the oldest event delivered to the domain but not yet committed arrived; undefined = none waits (or not known). */
  oldestWaitingMs?: number | undefined;
}

export interface HealthCheck {
  ok: boolean;
  detail: string;
}

/**
 * A domain is stalled when events wait for it and it has committed nothing for `stallMs`: a
 * sink retrying forever, a message that fails every time, a dead loop. Busy is not stalled: a
 * long backlog is fine as long as batches keep committing. Idle with nothing waiting is fine.
 * The clock starts at the later of the last commit and the arrival of the oldest event still
 * waiting: events that come after an idle spell have not waited since the commit before it.
 */
export function judgeProgress(p: DomainProgress, nowMs: number, startedMs: number, stallMs: number): HealthCheck {
  const committedAt = p.lastCommitMs ?? startedMs;
  const since = Math.max(committedAt, p.oldestWaitingMs ?? committedAt);
  const idleS = Math.max(0, Math.round((nowMs - committedAt) / 1000));
  const last = p.lastCommitMs === undefined ? `no batch committed since start ${idleS} s ago` : `last batch committed ${idleS} s ago`;
  if (p.lag === undefined) return { ok: true, detail: `lag unknown (consumer info unavailable); ${last}` };
  const stalled = p.lag > 0 && nowMs - since > stallMs;
  return {
    ok: !stalled,
    detail: stalled ? `stalled: ${p.lag} event(s) waiting and ${last} (limit ${Math.round(stallMs / 1000)} s)` : `lag ${p.lag}; ${last}`,
  };
}
