import type { Command } from 'commander';
import { UsageError } from './usage-error.ts';
import { loadConfig, type VigiaConfig, type VigiaConfigInput } from '../config/index.ts';

/** Load the configuration once, with the global --config and a command's flag overrides. */
export function cliConfig(cmd: Command, overrides: VigiaConfigInput = {}): VigiaConfig {
  const root = cmd.optsWithGlobals() as { config?: string };
  return loadConfig({ ...(root.config ? { file: root.config } : {}), overrides });
}

/** Parse a number flag or fail naming the flag. */
export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got '${value}'`);
  return n;
}
