import type { TableWrite } from '../domains/domain-module.ts';

/** The tables a live run writes: training-only ones (feature vectors) only when asked for. */
export function liveWrites<R>(module: { store: { writes: readonly TableWrite<R>[] } }, liveFeatureRows: boolean): readonly TableWrite<R>[] {
  return module.store.writes.filter((w) => !w.trainingOnly || liveFeatureRows);
}
