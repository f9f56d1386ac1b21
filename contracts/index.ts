// The event contracts shared by producers, processor, store and UI. Browser-safe: zod only.
export * from './domain.ts';
export * from './severity.ts';
export * from './sensor-reading.ts';
export * from './trip-event.ts';
export * from './anomaly.ts';
export * from './dead-letter.ts';
export * from './live-stats.ts';
export * from './subjects.ts';
export * from './partition.ts';
export * from './live-reading.ts';
export * from './model-card.ts';
export * from './replay.ts';
export * from './trip-live.ts';
export * from './trade-declaration.ts';
export * from './trade-live.ts';
export * from './trip-subject.ts';
export * from './bound-dead-letter.ts';
