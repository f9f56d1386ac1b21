import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { VigiaConfig, type VigiaConfigInput } from './schema.ts';

/** Environment variables and the config path each one sets. */
const ENV_KEYS: Record<string, { path: string[]; type: 'string' | 'number' | 'boolean' | 'list' }> = {
  VIGIA_DATA_DIR: { path: ['dataDir'], type: 'string' },
  VIGIA_LOG_LEVEL: { path: ['logLevel'], type: 'string' },
  NATS_URL: { path: ['nats', 'url'], type: 'string' },
  NATS_SERVER_BIN: { path: ['nats', 'serverBin'], type: 'string' },
  VIGIA_NATS_PORT: { path: ['nats', 'port'], type: 'number' },
  CLICKHOUSE_URL: { path: ['clickhouse', 'url'], type: 'string' },
  CLICKHOUSE_USER: { path: ['clickhouse', 'username'], type: 'string' },
  CLICKHOUSE_PASSWORD: { path: ['clickhouse', 'password'], type: 'string' },
  VIGIA_STREAM_REPLICAS: { path: ['streams', 'replicas'], type: 'number' },
  VIGIA_HTTP_PORT: { path: ['http', 'port'], type: 'number' },
  VIGIA_HTTP_HOST: { path: ['http', 'host'], type: 'string' },
  VIGIA_TOKEN: { path: ['http', 'token'], type: 'string' },
  VIGIA_HTTP_ALLOWED_HOSTS: { path: ['http', 'allowedHosts'], type: 'list' },
  VIGIA_METRICS_NEED_TOKEN: { path: ['http', 'metricsNeedToken'], type: 'boolean' },
};

export interface LoadConfigOptions {
  /** Path of a JSON config file; else VIGIA_CONFIG; else ./vigia.config.json when it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Highest precedence, e.g. from CLI flags. */
  overrides?: VigiaConfigInput;
  cwd?: string;
}

/**
 * Defaults < config file < environment < overrides. Throws ConfigError naming every bad field;
 * apps call this once at start-up and pass the typed result inwards.
 */
export function loadConfig(opts: LoadConfigOptions = {}): VigiaConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const file = opts.file ?? env.VIGIA_CONFIG ?? (existsSync(resolve(cwd, 'vigia.config.json')) ? 'vigia.config.json' : undefined);
  const sources: string[] = ['defaults'];
  let merged: Record<string, unknown> = {};
  if (file) {
    merged = readConfigFile(resolve(cwd, file));
    sources.push(file);
  }
  const fromEnv = envOverrides(env);
  if (Object.keys(fromEnv.values).length) sources.push(`env ${fromEnv.names.join(',')}`);
  merged = deepMerge(deepMerge(merged, fromEnv.values), (opts.overrides ?? {}) as Record<string, unknown>);
  if (opts.overrides && Object.keys(opts.overrides).length) sources.push('command-line flags');
  return parseConfig(merged, sources.join(' < '));
}

/** Validate a raw object; used by loadConfig and by tests. */
export function parseConfig(raw: unknown, source = 'input'): VigiaConfig {
  const result = VigiaConfig.safeParse(raw);
  if (!result.success) throw new ConfigError(result.error.issues.map(describeIssue), source);
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  if (issue.code === 'unrecognized_keys') {
    return `${path === '(root)' ? '' : path + ': '}unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return `${path}: ${issue.message}`;
}

function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError([`config file not found: ${path}`], path);
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(['the file must hold a JSON object'], path);
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`not valid JSON: ${(err as Error).message}`], path);
  }
}

function envOverrides(env: NodeJS.ProcessEnv): { values: Record<string, unknown>; names: string[] } {
  const values: Record<string, unknown> = {};
  const names: string[] = [];
  const issues: string[] = [];
  for (const [name, { path, type }] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (type === 'list') value = raw.split(',').map((x) => x.trim()).filter(Boolean);
    if (type === 'boolean') {
      if (!/^(true|false|1|0)$/.test(raw)) {
        issues.push(`${path.join('.')}: expected true or false, got '${raw}' (from ${name})`);
        continue;
      }
      value = raw === 'true' || raw === '1';
    }
    if (type === 'number') {
      value = Number(raw);
      if (!Number.isFinite(value)) {
        issues.push(`${path.join('.')}: expected a number, got '${raw}' (from ${name})`);
        continue;
      }
    }
    names.push(name);
    setPath(values, path, value);
  }
  if (issues.length) throw new ConfigError(issues, 'environment');
  return { values, names };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
