import type { VigiaConfig } from '../../../config/index.ts';
import type { Assignment, WorkerPlan } from './plan-workers.ts';

/** What a domain worker thread is started with (workerData: structured-cloned, so plain data only). */
export interface DomainWorkerData {
  index: number;
  /** URL of the module exporting DOMAIN_MODULES (the registry; tests pass their own). */
  registryUrl: string;
  natsUrl: string;
  config: VigiaConfig;
  assignments: Assignment[];
  projectRoot: string;
}

/** What a worker pushes after each committed batch, every ~500 ms and when it stops. */
export interface WorkerProgress {
  metrics: import('../metrics.ts').MetricsJson;
  /** Wall-clock ms of each domain's last committed batch (what /health judges). */
  lastCommitMs: Record<string, number>;
  /** Arrival ms of each domain's oldest uncommitted event in this worker; absent = none waits. */
  oldestWaitingMs: Record<string, number>;
}

/**
 * The config a worker runs with: a domain split across k workers gets 1/k of its key limits
 * in each, so the domain as a whole stays within processor.limits.
 */
export function workerConfig(config: VigiaConfig, plan: WorkerPlan): VigiaConfig {
  const splits = Math.max(...plan.assignments.map((a) => a.splits));
  if (splits <= 1) return config;
  const limits = config.processor.limits;
  return {
    ...config,
    processor: {
      ...config.processor,
      limits: { ...limits, maxKeysPerDomain: Math.ceil(limits.maxKeysPerDomain / splits), stateBudgetBytes: Math.ceil(limits.stateBudgetBytes / splits) },
    },
  };
}
