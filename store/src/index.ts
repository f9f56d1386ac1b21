export { openStore, type Store, type StoreOptions } from './open-store.ts';
export { migrate, listMigrations } from './migrate.ts';
export { assertReadOnlyQuery } from './read-only-query.ts';
export { MigrationError, StoreLockedError, QueryRejectedError, QueryLimitError, SqlBusyError, type QueryLimit } from './store-errors.ts';
export { openAnalystSql, type AnalystSql, type QueryResult } from './analyst-sql.ts';
export type { SqlLimits } from './sql-limits.ts';
export * from './rows.ts';
export { featureExportQuery, exportParquet, type FeatureExportRequest } from './feature-export.ts';
