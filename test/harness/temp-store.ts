import { after, before } from 'node:test';
import { openStore, type Store } from '../../store/src/index.ts';
import { tempDir } from './temp-dir.ts';

/**
 * A private embedded chDB for one test file, migrated: opened before its tests, closed and its
 * folder removed after them. `store` is read inside tests (it exists only once `before` ran).
 */
export function useTempStore(prefix: string): { readonly store: Store; readonly path: string } {
  const dir = tempDir(prefix);
  let store: Store | undefined;
  before(async () => {
    store = await openStore({ database: 'vigia', dataDir: dir.path });
  });
  after(async () => {
    await store?.close();
    dir.remove();
  });
  return {
    get store() {
      if (!store) throw new Error(`the ${prefix} store is read before its before() hook opened it`);
      return store;
    },
    path: dir.path,
  };
}
