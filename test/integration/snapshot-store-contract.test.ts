// The SnapshotStore contract against the ClickHouse adapter on a private embedded chDB.
import { createClickHouseSnapshotStore } from '../../processor/src/adapters/clickhouse/clickhouse-snapshot-store.ts';
import { describeSnapshotStoreContract } from '../contracts/snapshot-store-contract.ts';
import { useTempStore } from '../harness/temp-store.ts';

const chdb = useTempStore('snapshot-contract');

describeSnapshotStoreContract('ClickHouse (chDB)', async () => createClickHouseSnapshotStore(chdb.store.client));
