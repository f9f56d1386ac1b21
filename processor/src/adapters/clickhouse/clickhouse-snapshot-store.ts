import { constants } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { ClickHouseClient } from '@clickhouse/client';
import { TABLES, type ProcessorSnapshotRow } from '../../../../store/src/rows.ts';
import type { SnapshotKey, SnapshotStore } from '../../ports/snapshot-store.ts';
import { SnapshotUnreadableError } from '../../core/processor-state.ts';

const partitionsKey = (k: SnapshotKey) => [...k.partitions].sort((a, b) => a - b).join(',');
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * The state column holds `gzip:<base64>`: a state is mostly zeros and repeated field names
 * (10 000 new stations: 124 MiB of JSON, a few MiB gzipped), and the insert's JSON row and
 * ClickHouse's parse of it are copies of the column, which at full size doubled the
 * processor's memory for the length of the insert. zlib runs off the event loop. Plain JSON
 * (older rows) is still read.
 */
const GZIP_PREFIX = 'gzip:';
const CHUNK_CHARS = 1 << 20;

/**
 * Pieces of text gzipped ~1 MiB at a time into consecutive gzip members (gunzip reads them as
 * one stream), so the whole text is never one string or one buffer.
 */
async function gzipPieces(pieces: readonly string[], maxChars: number): Promise<Buffer> {
  // One string is how a snapshot is read back (JSON.parse): a state past that cannot be restored.
  const total = pieces.reduce((n, p) => n + p.length, 0);
  if (total > maxChars) {
    throw new RangeError(`state of ${total} characters is larger than the largest string (${maxChars}) and could not be restored; lower processor.limits.stateBudgetBytes`);
  }
  const members: Buffer[] = [];
  let chunk: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    members.push(await gzipAsync(chunk.join(''), { level: 1 }));
    chunk = [];
    chars = 0;
  };
  for (const p of pieces) {
    chunk.push(p);
    chars += p.length;
    if (chars >= CHUNK_CHARS) await flush();
  }
  await flush();
  return Buffer.concat(members);
}

/** Snapshots in ClickHouse: no extra service; the state gzipped (see GZIP_PREFIX). */
export function createClickHouseSnapshotStore(
  client: ClickHouseClient,
  /** Largest state (characters) it writes or reads: a longer one could not be one string. */
  maxStateChars: number = constants.MAX_STRING_LENGTH,
): SnapshotStore {
  return {
    async load(key) {
      const res = await client.query({
        query: `SELECT state, toUnixTimestamp64Milli(taken_at) AS taken_at FROM ${TABLES.processorSnapshots} FINAL
                WHERE run_id = {run:String} AND domain = {domain:String} AND partitions = {partitions:String}`,
        query_params: { run: key.runId, domain: key.domain, partitions: partitionsKey(key) },
        format: 'JSONEachRow',
      });
      const row = (await res.json<{ state: string; taken_at: string }>())[0];
      if (!row) return undefined;
      let state = row.state;
      if (state.startsWith(GZIP_PREFIX)) {
        const text = await gunzipAsync(Buffer.from(state.slice(GZIP_PREFIX.length), 'base64'));
        // Past the largest string it cannot be parsed (save refuses such states; this guards any
        // other writer): the processor rebuilds from the log instead of failing at every start.
        if (text.length > maxStateChars) throw new SnapshotUnreadableError(`snapshot of ${text.length} bytes is larger than the largest string (${maxStateChars})`);
        state = text.toString('utf8');
      }
      return { state, takenAt: Number(row.taken_at) };
    },
    async save(key, s) {
      const row: ProcessorSnapshotRow = {
        run_id: key.runId,
        domain: key.domain,
        partitions: partitionsKey(key),
        format: s.format,
        version: s.version,
        seqs: JSON.stringify(s.seqs),
        state: GZIP_PREFIX + (await gzipPieces(typeof s.state === 'string' ? [s.state] : s.state, maxStateChars)).toString('base64'),
        bytes: typeof s.state === 'string' ? s.state.length : s.state.reduce((n, p) => n + p.length, 0),
        taken_at: s.takenAt,
      };
      await client.insert({ table: TABLES.processorSnapshots, values: [row], format: 'JSONEachRow' });
    },
  };
}
