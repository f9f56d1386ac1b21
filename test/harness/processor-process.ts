import { startProcessorProcess as startProcessor, type ProcessorProcess, type ProcessorProcessOptions } from '../../stack/processor-process.ts';
import { reapAtEnd } from './reaper.ts';

export type { ProcessorProcess } from '../../stack/processor-process.ts';
export { waitFor } from '../../stack/wait-for.ts';

/** The real processor as a child process, killed at the end of the test file if the test did not stop it. */
export function startProcessorProcess(opts: Omit<ProcessorProcessOptions, 'onSpawn'>): Promise<ProcessorProcess> {
  return startProcessor({ ...opts, onSpawn: (child) => void reapAtEnd(child) });
}
