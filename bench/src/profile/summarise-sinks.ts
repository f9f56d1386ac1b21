// Usage: node --import tsx bench/src/profile/summarise-sinks.ts DIR/<phase>.sinks.json [--events N]
// The sink timings phase-profiler-preload.mjs gathered in one bench phase, as a Markdown table:
// per ClickHouse table the INSERTs, rows, rows per event and wall time per INSERT; the
// JetStream publishes per subject family; the acks. Wall times overlap (several batches
// commit at once and chDB runs one statement at a time), so they show where batches wait,
// not CPU: sink-costs.ts measures each insert alone.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface SinkTimings {
  wallMs: number;
  inserts: Record<string, { calls: number; rows: number; ms: number; maxMs: number }>;
  publishes: Record<string, { messages: number; busyMs: number; bursts: number }>;
  acks: { calls: number; ms: number };
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { events: { type: 'string' } } });
if (positionals.length !== 1) {
  process.stderr.write('usage: summarise-sinks.ts FILE.sinks.json [--events N]\n');
  process.exit(2);
}
const s = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as SinkTimings;
// Events of the phase: given, else the rows written to the events tables, directly or through
// sensor_scored_in (a Null table whose views fill scores and sensor_events); a redelivered
// message is acked again, so acks can outnumber events.
const events = values.events ? Number(values.events) : Object.entries(s.inserts).reduce((n, [t, v]) => n + (t.endsWith('_events') || t.endsWith('_scored_in') ? v.rows : 0), 0);
const f1 = (x: number) => x.toFixed(1);
const lines = [
  `${f1(s.wallMs / 1000)} s of wall time, ${events} events`,
  '',
  '| sink | calls | rows | rows/event | ms/call (mean) | ms/call (max) | ms in all |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...Object.entries(s.inserts)
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([t, v]) => `| INSERT ${t} | ${v.calls} | ${v.rows} | ${(v.rows / events).toFixed(2)} | ${f1(v.ms / v.calls)} | ${Math.round(v.maxMs)} | ${Math.round(v.ms)} |`),
  ...Object.entries(s.publishes).map(([f, v]) => `| JetStream publish ${f}.> (busy time per burst) | ${v.bursts} | ${v.messages} | ${(v.messages / events).toFixed(3)} | ${f1(v.busyMs / Math.max(1, v.bursts))} | — | ${Math.round(v.busyMs)} |`),
  `| ack (synchronous part) | ${s.acks.calls} | — | — | ${(s.acks.ms / Math.max(1, s.acks.calls) * 1000).toFixed(1)} µs | — | ${Math.round(s.acks.ms)} |`,
  '',
];
process.stdout.write(lines.join('\n'));
