import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import type { ModelFile, OnnxGraph } from '../../../../contracts/index.ts';
import { ModelInputError, ModelLoadError } from './model-errors.ts';

/**
 * Reading a model folder for any card schema: the card (JSON + zod), each ONNX graph (bytes
 * checked against the card's sha256, session created once, tensor names checked), and packing
 * feature rows into one input tensor. Shared by the sensor chain's and the trip models' loaders.
 */

export interface ModelFolderOptions {
  /** Threads onnxruntime uses within one run. @default 1 (the processor shares a small machine) */
  intraOpNumThreads?: number;
  /** Verify each ONNX file's sha256 against the card. @default true */
  verifyHashes?: boolean;
}

/** card.json of `dir`, parsed with `schema`; ModelLoadError 'card-missing' / 'card-invalid' otherwise. */
export async function readModelCard<S extends z.ZodType>(dir: string, schema: S, schemaName: string): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(join(dir, 'card.json'), 'utf8');
  } catch (err) {
    throw new ModelLoadError(dir, 'card-missing', 'card.json', `cannot read the model card (${(err as Error).message}); is this a model folder?`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelLoadError(dir, 'card-invalid', 'card.json', `is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ModelLoadError(dir, 'card-invalid', 'card.json', `does not match the ${schemaName} schema:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export function sessionOptions(options: ModelFolderOptions): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.intraOpNumThreads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

/** One onnxruntime session for a graph the card names; ModelLoadError with the file otherwise. */
export async function openModelGraph(dir: string, files: readonly ModelFile[], g: OnnxGraph, options: ModelFolderOptions): Promise<InferenceSession> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, g.file));
  } catch (err) {
    throw new ModelLoadError(dir, 'file-missing', g.file, `cannot read the ONNX file the card names (${(err as Error).message})`, { cause: err });
  }
  if (options.verifyHashes ?? true) {
    const listed = files.find((f) => f.path === g.file);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (!listed || listed.sha256 !== sha) {
      throw new ModelLoadError(dir, 'file-corrupt', g.file, `sha256 ${sha} differs from the card's ${listed?.sha256}; the folder mixes files of different trainings`);
    }
  }
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, sessionOptions(options));
  } catch (err) {
    throw new ModelLoadError(dir, 'session-failed', g.file, `onnxruntime cannot load it: ${(err as Error).message}`, { cause: err });
  }
  if (!session.inputNames.includes(g.input) || !session.outputNames.includes(g.output)) {
    await session.release();
    throw new ModelLoadError(
      dir,
      'card-invalid',
      g.file,
      `graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], card names ${g.input} → ${g.output}`,
    );
  }
  return session;
}

/**
 * Rows → one row-major Float64Array of `columns.length` columns: `columns[j]` is the index in
 * each row of the model's j-th input. Each row must have exactly `rowWidth` values and the
 * selected ones must be finite (ModelInputError with the row and feature otherwise).
 */
export function packRows(
  rows: readonly ArrayLike<number>[],
  rowWidth: number,
  columns: readonly number[],
  names: readonly string[],
  modelId: string,
): Float64Array {
  const width = columns.length;
  const x = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]!;
    if (v.length !== rowWidth) throw new ModelInputError(i, `has ${v.length} features, ${modelId} takes ${rowWidth}`);
    for (let j = 0; j < width; j++) {
      const value = v[columns[j]!]!;
      if (!Number.isFinite(value)) throw new ModelInputError(i, `${names[j]} is ${value}`);
      x[i * width + j] = value;
    }
  }
  return x;
}

/** The input tensor a graph declares (float32 graphs get a rounded copy). */
export function inputTensor(graph: OnnxGraph, x: Float64Array, rows: number, width: number): Tensor {
  return graph.inputType === 'float64' ? new Tensor('float64', x, [rows, width]) : new Tensor('float32', Float32Array.from(x), [rows, width]);
}

/** One graph run on `x`, its output as float64 values. */
export async function runGraph(session: InferenceSession, graph: OnnxGraph, x: Float64Array, rows: number, width: number): Promise<Float64Array> {
  const out = await session.run({ [graph.input]: inputTensor(graph, x, rows, width) }, [graph.output]);
  const data = out[graph.output]!.data;
  if (data.length !== rows) throw new Error(`${graph.file}: ${graph.output} has ${data.length} values for ${rows} rows`);
  return data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>);
}
