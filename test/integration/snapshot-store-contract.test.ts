// The SnapshotStore contract against the ClickHouse adapter on a private embedded chDB.
import { after, before } from 'node:test';
import { openStore, type Store } from '../../store/src/index.ts';
import { createClickHouseSnapshotStore } from '../../processor/src/adapters/clickhouse/clickhouse-snapshot-store.ts';
import { describeSnapshotStoreContract } from '../contracts/snapshot-store-contract.ts';
import { tempDir } from '../harness/temp-dir.ts';

const dir = tempDir('snapshot-contract');
let store: Store;
before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
});
after(async () => {
  await store?.close();
  dir.remove();
});

describeSnapshotStoreContract('ClickHouse (chDB)', async () => createClickHouseSnapshotStore(store.client));
