import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError, type ModelLoadReason } from './model-errors.ts';

/**
 * What every model loader's tests share: copies of a committed model folder with one thing
 * broken, and the check that loading one fails with the named reason. Test support; the
 * loaders' own tests say what they break.
 */
export interface ModelVariants {
  /** A copy of `from` (default: the model under test) with `change` applied to the copy. */
  variant(name: string, change: (dir: string) => Promise<void>, from?: string): Promise<string>;
  /** Rewrite a folder's card.json in place. */
  editCard(dir: string, edit: (card: Record<string, any>) => void): Promise<void>;
  /** Loading rejects with a ModelLoadError of `reason` whose message matches. */
  rejects(load: Promise<unknown>, reason: ModelLoadReason, message: RegExp): Promise<void>;
  /** A path in the copies' folder where no model is. */
  readonly nowhere: string;
  /** Remove every copy. */
  cleanup(): Promise<void>;
}

export async function modelVariants(modelDir: string, prefix = 'vigia-model-'): Promise<ModelVariants> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  return {
    async variant(name, change, from = modelDir) {
      const dir = join(work, name);
      await cp(from, dir, { recursive: true });
      await change(dir);
      return dir;
    },
    async editCard(dir, edit) {
      const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8'));
      edit(card);
      await writeFile(join(dir, 'card.json'), JSON.stringify(card));
    },
    async rejects(load, reason, message) {
      await assert.rejects(load, (err: unknown) => {
        assert.ok(err instanceof ModelLoadError, String(err));
        assert.equal(err.name, 'ModelLoadError');
        assert.equal(err.reason, reason);
        assert.match(err.message, message);
        return true;
      });
    },
    nowhere: join(work, 'nowhere'),
    cleanup: () => rm(work, { recursive: true, force: true }),
  };
}
