/** Benchmark input that cannot be scored as given; `source` names the file or series at fault. */
export class ScoringInputError extends Error {
  override name = 'ScoringInputError';
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}
