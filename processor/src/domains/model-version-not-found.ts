/** A model version a replay asked for does not exist. */
export class ModelVersionNotFoundError extends Error {
  override readonly name = 'ModelVersionNotFoundError';
  constructor(
    readonly version: string,
    readonly looked: readonly string[],
  ) {
    super(`no model version ${version}: none of ${looked.join(', ')} exists`);
  }
}
