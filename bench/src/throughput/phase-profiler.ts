import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessorProcess } from '../../../stack/processor-process.ts';

const PRELOAD = fileURLToPath(new URL('../profile/phase-profiler-preload.mjs', import.meta.url));

export interface PhaseProfiler {
  /** Environment for the processor child: loads the preload, says where profiles go. */
  env: Record<string, string>;
  /** Close the current profile as `<phase>.cpuprofile` + `<phase>.sinks.json`; returns the profile's path. */
  cut(proc: ProcessorProcess, phase: string): Promise<string>;
}

/** Drives phase-profiler-preload.mjs in the processor: one CPU profile and sink timing per phase. */
export function phaseProfiler(dir: string): PhaseProfiler {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  let n = 0;
  const nodeOptions = [process.env.NODE_OPTIONS, `--import ${PRELOAD}`].filter(Boolean).join(' ');
  return {
    env: { NODE_OPTIONS: nodeOptions, VIGIA_PROFILE_DIR: out },
    async cut(proc, phase) {
      const i = ++n;
      proc.child.kill('SIGUSR2');
      const until = Date.now() + 30_000;
      while (!existsSync(join(out, `${i}.done`))) {
        if (Date.now() > until) throw new Error(`the processor wrote no profile within 30 s of SIGUSR2 (was it started with ${PRELOAD}?)`);
        await new Promise((r) => setTimeout(r, 100));
      }
      renameSync(join(out, `${i}.cpuprofile`), join(out, `${phase}.cpuprofile`));
      renameSync(join(out, `${i}.sinks.json`), join(out, `${phase}.sinks.json`));
      return join(out, `${phase}.cpuprofile`);
    },
  };
}
