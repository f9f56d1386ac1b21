export { VigiaConfig, type VigiaConfigInput } from './schema.ts';
export { loadConfig, parseConfig, type LoadConfigOptions } from './load-config.ts';
export { ConfigError } from './config-error.ts';
