// The processor's memory under `vigia up`, as a user meets it:
//   vigia bench up-memory [--minutes 30] [--interval 60] [--rate 200] [--json F]
// Starts `vigia up` (nats-server, processor, both demo producers with their catch-ups) in a
// temp data folder on free ports, so nothing else running on the machine is touched; samples
// the processor's resident memory from /proc every interval, with the key budget's figures from
// its /metrics; stops the stack and removes the folder at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { freePort } from '../../../stack/nats-server.ts';
import { killOnExit, onProcessExit } from '../../../stack/kill-on-exit.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';
import { processCpuSeconds } from '../throughput/process-cpu.ts';
import { metricSum, procMemory } from './proc-memory.ts';

export interface UpMemoryOptions {
  minutes: number;
  /** Seconds between samples. */
  intervalSeconds: number;
  /** Demo sensor readings per second (`vigia up --rate`). */
  rate: number;
  jsonFile?: string | undefined;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MIB = 1024 ** 2;

interface Sample {
  minute: number;
  at: string;
  loadAverage1m: number;
  processorRssMiB: number;
  processorPeakRssMiB: number;
  processorCpuSeconds: number;
  natsServerRssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  liveStations: number;
  liveCells: number;
  sensorStateMiB: number;
  tripStateMiB: number;
  sensorEvents: number;
  tripEvents: number;
}

/** The pids of a process's children, with their command lines (Linux `ps`). */
function children(pid: number): { pid: number; args: string }[] {
  const r = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}

export async function runUpMemoryBench(o: UpMemoryOptions): Promise<void> {
  const log = (s: string) => process.stderr.write(s + '\n');
  const dir = tempDir('bench-up-memory');
  const forgetDir = onProcessExit(() => dir.remove());
  const [natsPort, httpPort] = [await freePort(), await freePort()];
  log(`vigia up in ${dir.path}: NATS on ${natsPort}, HTTP on ${httpPort}, sensor at ${o.rate}/s, both producers with their default catch-ups`);
  const up = spawn(process.execPath, [join(ROOT, 'bin', 'vigia.js'), 'up', '--data-dir', dir.path, '--port', String(httpPort), '--rate', String(o.rate)], {
    env: { ...process.env, VIGIA_NATS_PORT: String(natsPort), VIGIA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const forgetUp = killOnExit(up.pid!);
  try {
    const url = await new Promise<string>((res, rej) => {
      const lines = createInterface({ input: up.stdout! });
      lines.on('line', (l) => {
        const m = /^Processor: (http\S+)/.exec(l);
        if (m) res(m[1]!);
      });
      up.once('exit', (code) => rej(new Error(`vigia up exited (code ${code}) before the processor was ready`)));
    });
    const token = readFileSync(join(dir.path, 'access', 'http-token'), 'utf8').trim();
    const scrape = async () => {
      try {
        return await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(20_000) })).text();
      } catch {
        return ''; // a busy processor; its /proc figures are still read
      }
    };
    const samples: Sample[] = [];
    const started = Date.now();
    for (let minute = 0; ; minute += o.intervalSeconds / 60) {
      const kids = children(up.pid!);
      const proc = kids.find((k) => /\bprocessor\b/.test(k.args) && !/nats-server/.test(k.args));
      const nats = kids.find((k) => /nats-server/.test(k.args));
      const mem = proc ? procMemory(proc.pid) : { rss: NaN, peak: NaN };
      const text = await scrape();
      const s: Sample = {
        minute: Number(minute.toFixed(2)),
        at: new Date().toISOString(),
        loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
        processorRssMiB: Math.round(mem.rss / MIB),
        processorPeakRssMiB: Math.round(mem.peak / MIB),
        processorCpuSeconds: proc ? Number((processCpuSeconds(proc.pid) ?? NaN).toFixed(1)) : NaN,
        natsServerRssMiB: nats ? Math.round(procMemory(nats.pid).rss / MIB) : NaN,
        heapUsedMiB: Math.round(metricSum(text, 'vigia_process_nodejs_heap_size_used_bytes') / MIB),
        externalMiB: Math.round(metricSum(text, 'vigia_process_nodejs_external_memory_bytes') / MIB),
        liveStations: metricSum(text, 'vigia_keys', ['domain="sensor"', 'state="live"']),
        liveCells: metricSum(text, 'vigia_keys', ['domain="trip"', 'state="live"']),
        sensorStateMiB: Number((metricSum(text, 'vigia_key_state_bytes', ['domain="sensor"', 'state="live"']) / MIB).toFixed(1)),
        tripStateMiB: Number((metricSum(text, 'vigia_key_state_bytes', ['domain="trip"', 'state="live"']) / MIB).toFixed(1)),
        sensorEvents: metricSum(text, 'vigia_events_total', ['domain="sensor"']),
        tripEvents: metricSum(text, 'vigia_events_total', ['domain="trip"']),
      };
      samples.push(s);
      log(
        `${s.minute.toFixed(1).padStart(5)} min  load ${s.loadAverage1m.toFixed(1).padStart(4)}  processor RSS ${String(s.processorRssMiB).padStart(5)} MiB (peak ${s.processorPeakRssMiB})  heap ${s.heapUsedMiB}  ` +
          `stations ${s.liveStations} (${s.sensorStateMiB} MiB)  cells ${s.liveCells} (${s.tripStateMiB} MiB)  events sensor ${s.sensorEvents} trip ${s.tripEvents}`,
      );
      if (minute >= o.minutes) break;
      await new Promise((r) => setTimeout(r, Math.max(0, started + (minute + o.intervalSeconds / 60) * 60_000 - Date.now())));
    }
    const last = samples.at(-1)!;
    const result = {
      benchmark: 'up-memory',
      at: new Date().toISOString(),
      minutes: o.minutes,
      sensorRate: o.rate,
      targetMiB: 1024,
      final: last,
      maxRssMiB: Math.max(...samples.map((s) => s.processorRssMiB).filter(Number.isFinite)),
      bytesPerStation: last.liveStations ? Math.round((last.sensorStateMiB * MIB) / last.liveStations) : null,
      bytesPerCell: last.liveCells ? Math.round((last.tripStateMiB * MIB) / last.liveCells) : null,
      samples,
    };
    process.stdout.write(JSON.stringify({ ...result, samples: undefined }, null, 2) + '\n');
    if (o.jsonFile) {
      mkdirSync(dirname(o.jsonFile), { recursive: true });
      writeFileSync(o.jsonFile, JSON.stringify(result, null, 2) + '\n');
      log(`written to ${o.jsonFile}`);
    }
  } finally {
    // `vigia up` stops its children (processor, producers, nats-server) on SIGTERM.
    up.kill('SIGTERM');
    await new Promise((r) => (up.exitCode !== null ? r(undefined) : up.once('exit', r)));
    forgetUp();
    dir.remove();
    forgetDir();
  }
}
