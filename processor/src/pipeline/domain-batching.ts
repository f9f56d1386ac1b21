import type { VigiaConfig } from '../../../config/index.ts';
import type { DomainModule } from '../domains/domain-module.ts';
import { UnknownDomainError } from '../domains/registry.ts';

/** How one domain's events are cut into micro-batches and committed (config/schema.ts BatchingConfig). */
export interface DomainBatching {
  batchMaxEvents: number;
  batchMaxMs: number;
  batchMaxHoldMs: number;
  commitConcurrency: number;
  /** Per partition's consumer. */
  maxAckPending: number;
  /** Scored batches' rows wait to be written until this many events wait… */
  writeMinEvents: number;
  /** …or the oldest has waited this long (0 = written at once)… */
  writeMaxWaitMs: number;
  /** …and only while events arrive this fast, per second (0 = at any rate). */
  writeLingerFromRate: number;
  /** Rows per INSERT statement at most at the store owner; a larger write is cut (scheduled-client.ts). */
  maxRowsPerInsert: number;
}

/** What a domain gets when neither the config nor its module says otherwise. */
export const BATCHING_DEFAULTS: Readonly<DomainBatching> = {
  batchMaxEvents: 2000,
  batchMaxMs: 100,
  batchMaxHoldMs: 1000,
  commitConcurrency: 2,
  maxAckPending: 2000,
  writeMinEvents: 0,
  writeMaxWaitMs: 0,
  writeLingerFromRate: 0,
  maxRowsPerInsert: 4000,
};

const KEYS = Object.keys(BATCHING_DEFAULTS) as (keyof DomainBatching)[];

/**
 * One domain's batching: `processor.batching.<domain>`, else the processor-wide key, else the
 * module's own default, else BATCHING_DEFAULTS, key by key. Domains differ in what an INSERT
 * costs and how long a backlog may wait unacked: sensor readings are cheap to score and pay a
 * fixed cost per INSERT, so they want large batches; trips' cell windows make INSERTs that grow
 * slow with the batch (docs/perf/sensor-writes-2026-12-07-evening.md).
 */
export function domainBatching(module: Pick<DomainModule, 'name' | 'batching'>, pc: VigiaConfig['processor']): DomainBatching {
  const own = pc.batching[module.name];
  const out = { ...BATCHING_DEFAULTS };
  for (const k of KEYS) out[k] = own?.[k] ?? pc[k] ?? module.batching?.[k] ?? BATCHING_DEFAULTS[k];
  return out;
}

/** Refuses `processor.batching` entries for domains no module is registered under (a typo would be ignored silently). */
export function checkBatchingDomains(pc: VigiaConfig['processor'], modules: readonly Pick<DomainModule, 'name'>[]): void {
  const names = modules.map((m) => m.name);
  for (const d of Object.keys(pc.batching)) if (!names.includes(d)) throw new UnknownDomainError(d, names, 'processor.batching');
}
