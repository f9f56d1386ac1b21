export { openStore, type Store, type StoreOptions } from './open-store.ts';
export { migrate, listMigrations } from './migrate.ts';
export { assertReadOnlyQuery } from './read-only-query.ts';
export { MigrationError, StoreLockedError, QueryRejectedError } from './store-errors.ts';
export { runQuery, type QueryFormat, type QueryResult } from './run-query.ts';
export * from './rows.ts';
export { featureExportQuery, exportParquet, type FeatureExportRequest } from './feature-export.ts';
