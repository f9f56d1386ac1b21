import { ProcessorConfig } from '../../../config/schema.ts';

/**
 * Whether this build's config accepts `processor.workers` (scoring on worker threads). Asked
 * of the schema at run time, so the bench runs on builds with and without the key; `processor`
 * is a strict object, so passing an unknown key would make the processor refuse its config.
 */
export function workersConfigAvailable(): boolean {
  return 'workers' in ProcessorConfig.shape;
}
