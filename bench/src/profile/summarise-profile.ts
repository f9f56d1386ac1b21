import { categoryOf, type CallFrame } from './cpuprofile-categories.ts';

/** The parts of a V8 .cpuprofile (Chrome DevTools format) this summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame & { lineNumber?: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Share {
  name: string;
  ms: number;
  /** Of all sampled time, idle included. */
  pct: number;
  /** Of the time the thread was not idle. */
  busyPct: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time by category: a weak frame's time goes to its nearest strong caller. */
  selfByCategory: Share[];
  /** Time with the category anywhere on the stack (each sample counted once per category); strong categories only. */
  inclusiveByCategory: Share[];
  topSelf: Share[];
  topInclusive: Share[];
}

const IDLE = /^\(idle\)$/;

/**
 * Self and inclusive time by category and by function, from the samples: each sample's time is
 * the delta to the next one (as DevTools counts it).
 */
export function summariseProfile(p: CpuProfile, top = 25): ProfileSummary {
  const parent = new Map<number, number>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: CpuProfile['nodes'][number]) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}`;

  const selfCat = new Map<string, number>();
  const inclCat = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inclFn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  // V8 gives the delta *before* sample i; DevTools attributes delta i+1 to sample i.
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    if (ms <= 0) continue;
    const leaf = byId.get(p.samples[i]!)!;
    total += ms;
    if (IDLE.test(leaf.callFrame.functionName)) idle += ms;
    add(selfFn, label(leaf), ms);
    let self: string | undefined;
    const cats = new Set<string>();
    const fns = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const c = categoryOf(n.callFrame);
      if (n.callFrame.functionName === '(root)') continue;
      // Plumbing (RxJS, Node internals, natives, the profiler's own wrappers) is on nearly every stack: no signal.
      if (!c.weak) cats.add(c.name);
      fns.add(label(n));
      if (self === undefined && !c.weak) self = c.name;
    }
    add(selfCat, self ?? categoryOf(leaf.callFrame).name, ms);
    for (const c of cats) add(inclCat, c, ms);
    for (const f of fns) add(inclFn, f, ms);
  }
  const busy = total - idle;
  const shares = (m: Map<string, number>, n = Infinity) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: pct(ms, total), busyPct: IDLE_CATEGORY.test(name) ? NaN : pct(ms, busy) }));
  return { totalMs: Math.round(total), idleMs: Math.round(idle), selfByCategory: shares(selfCat), inclusiveByCategory: shares(inclCat), topSelf: shares(selfFn, top), topInclusive: shares(inclFn, top) };
}

const IDLE_CATEGORY = /^(idle|\(idle\))/;

function add(m: Map<string, number>, k: string, ms: number) {
  m.set(k, (m.get(k) ?? 0) + ms);
}

const pct = (x: number, of: number) => (of > 0 ? Number(((100 * x) / of).toFixed(1)) : 0);

/** Paths from the repository or node_modules on, so reports read the same on every machine. */
export function shortUrl(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const m = /\/((?:processor|producers|store|stack|bench|contracts|config|cli)\/.*)$/.exec(url);
  return m ? m[1]! : url.replace(/^file:\/\//, '');
}

/** The summary as Markdown tables. */
export function formatSummary(s: ProfileSummary, title: string): string {
  const table = (rows: Share[], head: string) =>
    [`| ${head} | ms | % of samples | % of busy |`, '|---|---:|---:|---:|', ...rows.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${r.ms} | ${r.pct} | ${Number.isNaN(r.busyPct) ? '—' : r.busyPct} |`)].join('\n');
  return [
    `### ${title}`,
    '',
    `${(s.totalMs / 1000).toFixed(1)} s sampled, ${(100 * s.idleMs / Math.max(1, s.totalMs)).toFixed(1)} % idle.`,
    '',
    '**Self time by category**',
    '',
    table(s.selfByCategory, 'category'),
    '',
    '**Inclusive time by category** (a sample counts for every category on its stack)',
    '',
    table(s.inclusiveByCategory, 'category'),
    '',
    '**Top functions, self**',
    '',
    table(s.topSelf, 'function'),
    '',
    '**Top functions, inclusive**',
    '',
    table(s.topInclusive, 'function'),
    '',
  ].join('\n');
}
