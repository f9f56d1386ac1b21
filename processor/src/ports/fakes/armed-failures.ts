/**
 * A switch that makes a fake's next calls fail, to play an outage of the thing it stands for
 * (a broker down, a store refusing inserts) in pipeline tests.
 */
export interface ArmedFailures {
  /** The next `times` calls reject with `err`. @default times 1 */
  arm(err: Error, times?: number): void;
  /** Throws the armed error (and counts one down) when armed; otherwise does nothing. */
  throwIfArmed(): void;
}

export function armedFailures(): ArmedFailures {
  let err: Error | undefined;
  let left = 0;
  return {
    arm(e, times = 1) {
      err = e;
      left = times;
    },
    throwIfArmed() {
      if (left <= 0 || !err) return;
      left--;
      throw err;
    },
  };
}
