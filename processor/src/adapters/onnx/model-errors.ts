/** Why a model folder could not be served. */
export type ModelLoadReason = 'card-missing' | 'card-invalid' | 'features-mismatch' | 'file-missing' | 'file-corrupt' | 'session-failed';

/** A model folder that cannot be served; names the folder, the file and what to do about it. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
  constructor(
    readonly dir: string,
    readonly reason: ModelLoadReason,
    readonly file: string | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Model ${dir}${file ? ` (${file})` : ''}: ${detail}`, options);
  }
}

/** A feature vector the model cannot score (wrong length, or a value that is not a finite number). */
export class ModelInputError extends Error {
  override name = 'ModelInputError';
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(`row ${row}: ${message}`);
  }
}
