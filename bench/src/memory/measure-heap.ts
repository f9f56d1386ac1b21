// Retained-memory measurement for the state-size bench: heap plus ArrayBuffer backing stores
// (typed arrays past a few dozen bytes live outside the V8 heap, so heapUsed alone would miss
// most of a detector's state), read after full garbage collections.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full GC, whether or not node was started with --expose-gc. */
export function fullGc(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    // The flag only takes effect in a context created after it is set.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

/** Bytes retained by the process's JavaScript: V8 heap in use plus ArrayBuffer memory. */
export function retainedBytes(): number {
  fullGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
