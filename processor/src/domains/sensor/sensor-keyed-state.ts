// The sensor domain's per-station state as the key budget sees it (key-budget.ts): the scorer's
// learned state and the station's tumbling windows, evicted and revived together.
import type { KeyedState } from '../../core/key-budget.ts';
import type { ReadingScorer } from './detectors/reading-scorer.ts';
import type { TumblingWindows, TumblingWindowsSnapshot } from './tumbling-windows.ts';

/** A station's open windows and watermark: a few small records (measured with the detector state). */
const WINDOW_KEY_BYTES = 1_500;

interface EvictedStation {
  scorer: unknown;
  windows: TumblingWindowsSnapshot['keys'][number] | undefined;
}

export function sensorKeyedState(scorer: ReadingScorer, windows: TumblingWindows): KeyedState {
  return {
    bytesOf: (station) => (scorer.stationBytes?.(station) ?? 0) + WINDOW_KEY_BYTES,
    evict(station): EvictedStation {
      return { scorer: scorer.evictStation?.(station), windows: windows.evictKey(station) };
    },
    revive(_station, state) {
      const s = state as EvictedStation;
      if (s.scorer !== undefined) scorer.reviveStation?.(s.scorer);
      if (s.windows !== undefined) windows.reviveKey(s.windows);
    },
  };
}
