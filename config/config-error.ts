/** The configuration is invalid; `issues` name each field and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly issues: readonly string[],
    readonly source: string,
  ) {
    super(`Invalid configuration (${source}):\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}
