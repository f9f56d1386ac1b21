import type { Command } from 'commander';
import { jetstreamManager, JetStreamApiError } from '@nats-io/jetstream';
import { cliConfig } from '../cli-config.ts';
import { formatTable } from '../format-table.ts';
import { queryStore } from '../store-access.ts';
import { connectNats } from '../../nats/index.ts';
import { streams } from '../../contracts/index.ts';
import { DOMAIN_MODULES } from '../../processor/src/domains/registry.ts';
import { natsUrlFor } from '../../stack/access/nats-credentials.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Per domain and partition: consumer lag, last processed sequence and event time, snapshot age, dead letters, runs')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else the local port from config)')
    .option('--data-dir <dir>', 'data folder of the embedded store')
    .option('--json', 'print one JSON document')
    .action(async (opts: { natsUrl?: string; dataDir?: string; json?: boolean }, cmd: Command) => {
      const config = cliConfig(cmd, { dataDir: opts.dataDir });
      const nc = await connectNats({ url: natsUrlFor(config, opts.natsUrl), name: 'vigia-status', timeoutMs: 5000 });
      const jsm = await jetstreamManager(nc);
      const consumers: Record<string, unknown>[] = [];
      for (const { name: domain } of DOMAIN_MODULES) {
        const stream = streams.events(domain);
        try {
          const info = await jsm.streams.info(stream);
          for await (const c of jsm.consumers.list(stream)) {
            consumers.push({
              domain,
              consumer: c.name,
              filter: c.config.filter_subject ?? '',
              lag: c.num_pending,
              ack_pending: c.num_ack_pending,
              redelivered: c.num_redelivered,
              acked_through_seq: c.ack_floor.stream_seq,
              stream_last_seq: info.state.last_seq,
            });
          }
        } catch (err) {
          if (!(err instanceof JetStreamApiError)) throw err;
        }
      }
      const dlq = await jsm.streams.info(streams.deadLetters, { subjects_filter: 'dlq.>' }).catch(() => undefined);
      const deadLetters = Object.entries(dlq?.state.subjects ?? {}).map(([subject, count]) => ({ subject, count }));
      await nc.drain();

      const processedOf = (domain: string, table: string) =>
        queryStore(
          config,
          `SELECT partition, count() AS events, max(stream_seq) AS last_seq, max(ts) AS last_event_time, max(ingested_at) AS last_ingested
           FROM ${table} WHERE run_id = 'live' GROUP BY partition ORDER BY partition`,
        ).then((r) => r.rows.map((x) => ({ domain, ...x })));
      const processed = [];
      for (const m of DOMAIN_MODULES) processed.push(...(await processedOf(m.name, m.store.eventsTable)));
      const runs = (await queryStore(config, 'SELECT run_id, domain, kind, started_at, updated_at FROM runs FINAL ORDER BY updated_at DESC LIMIT 10')).rows;
      const snapshots = (
        await queryStore(
          config,
          `SELECT run_id, domain, partitions, seqs, formatReadableSize(bytes) AS size, taken_at,
                  dateDiff('second', taken_at, now64(3)) AS age_seconds
           FROM processor_snapshots FINAL ORDER BY taken_at DESC LIMIT 10`,
        )
      ).rows;
      const status = { consumers, processed, deadLetters, runs, snapshots };
      if (opts.json) return void process.stdout.write(JSON.stringify(status, null, 2) + '\n');
      const section = (title: string, rows: Record<string, unknown>[]) =>
        process.stdout.write(`\n${title}\n${rows.length ? formatTable(Object.keys(rows[0]!), rows) : '(none)'}\n`);
      section('Consumers (lag = messages not yet delivered)', consumers);
      section('Processed (ClickHouse, live run)', processed);
      section('Dead letters', deadLetters);
      section('Runs', runs);
      section('Snapshots (state restored on start; age in seconds)', snapshots);
    });
}
