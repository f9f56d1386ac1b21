import { readable, type Readable, type Writable } from 'svelte/store';

/**
 * Ref-counted access to one connection behind several read-only stores: the first subscriber
 * to any of them opens it, the last one to leave closes it.
 */
export function createConnectionSharing(open: () => void, close: () => void) {
  let users = 0;
  return function share<T>(inner: Writable<T>, initial: T): Readable<T> {
    return readable(initial, (set) => {
      const unsubscribe = inner.subscribe(set);
      if (users++ === 0) open();
      return () => {
        unsubscribe();
        if (--users === 0) close();
      };
    });
  };
}
