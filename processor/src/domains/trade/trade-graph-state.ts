// The trade domain's learned state, kept per node of the heterogeneous graph company ↔
// subheading ↔ port (destinations live on the company, as company–destination edges). Each
// node is one key of the key budget (`c:`, `s:`, `p:` + id), so memory stays bounded by
// processor.limits however many companies, HS codes or ports the input invents, and a node
// not seen for a while is evicted losslessly and revived on its next declaration.
//
// Subheading and port nodes are kept per partition (`<partition>:<id>`): a company's declarations
// all arrive on its partition, in order, but the interleaving of partitions differs between a
// live run, a replay and processors that split the partitions — state shared across partitions
// would make scores depend on it. Each partition thus learns its own norm of every subheading
// from its share of the companies (a sample of the whole: partitions hash companies evenly).
// Each partition has its own key budget too (trade-key-budgets.ts).
//
// Degrees (a subheading's or port's `companies`, a port's `subheadings`) count the edges the
// other end remembers: a forgotten node is taken off them (keyedFor().forget). A subheading or
// port node forgotten and created afresh does not count the companies that still remember the
// edge: an undercount (clamped at 0), rare, as such nodes are seldom silent for a week.
//
// Edges are stored once, on the node that owns them: company–subheading, company–port,
// company–destination and the (company, subheading, port) triple on the company;
// subheading–port on the subheading. A node keeps at most MAX_EDGES of each kind: beyond that
// a new edge is still seen as new (and scored), but not remembered.
import type { KeyedState } from '../../core/key-budget.ts';
import { emptyDecayed, type Decayed } from './decayed-count.ts';
import { RobustRing, type RobustRingSnapshot } from './robust-ring.ts';

/** Edges of one kind a node remembers. */
export const MAX_EDGES = 64;
/** Subheading unit values held (the running robust distribution). */
export const UV_RING = 64;
/** Per subheading × destination and subheading × unit. */
export const SUB_RING = 16;

export interface EdgeStat {
  n: number;
  lastTs: number;
}

export interface CompanyState {
  n: number;
  firstTs: number;
  lastTs: number;
  /** Declarations, half-life one day / thirty days (velocity and its baseline). */
  short: Decayed;
  long: Decayed;
  /** Declarations, half-life one hour (bursts). */
  hourly: Decayed;
  /** FOB USD, half-life one day. */
  value: Decayed;
  /** Declarations just under the structuring threshold, half-life one day. */
  nearThreshold: Decayed;
  /** The same, half-life thirty days (the company's habit). */
  nearThresholdLong: Decayed;
  /**
   * Subheadings, ports and destinations the company used for the first time (after its first
   * declaration), half-life thirty days: beside `long`, how often it still widens its routes.
   */
  newSubheadings: Decayed;
  newPorts: Decayed;
  newDestinations: Decayed;
  /**
   * `n` when the company last used a subheading, port or destination for the first time (0: its
   * first declaration, which opens every edge): how many filings its routes have stayed settled.
   */
  subheadingOpenedAt: number;
  portOpenedAt: number;
  destinationOpenedAt: number;
  subheadings: Map<string, EdgeStat>;
  ports: Map<string, number>;
  destinations: Map<string, number>;
  /** `subheading|port` → declarations. */
  triples: Map<string, number>;
}

export interface SubheadingState {
  n: number;
  /** log10(FOB / net kg). */
  unitValue: RobustRing;
  /** log10(1 + FOB USD): the usual size of a declaration. */
  fobSize: RobustRing;
  /** destination → log10(FOB / net kg). */
  unitValueByDestination: Map<string, RobustRing>;
  /** unit → log10(net kg / quantity), for the units that are not masses. */
  kgPerUnit: Map<string, RobustRing>;
  /** Distinct companies seen (the node's degree towards companies). */
  companies: number;
  ports: Map<string, number>;
  /** Declarations per destination: how usual a route is for the goods among peers. */
  destinations: Map<string, number>;
}

export interface PortState {
  n: number;
  companies: number;
  subheadings: number;
}

export const newCompany = (ts: number): CompanyState => ({
  n: 0,
  firstTs: ts,
  lastTs: ts,
  short: emptyDecayed(),
  long: emptyDecayed(),
  hourly: emptyDecayed(),
  value: emptyDecayed(),
  nearThreshold: emptyDecayed(),
  nearThresholdLong: emptyDecayed(),
  newSubheadings: emptyDecayed(),
  newPorts: emptyDecayed(),
  newDestinations: emptyDecayed(),
  subheadingOpenedAt: 0,
  portOpenedAt: 0,
  destinationOpenedAt: 0,
  subheadings: new Map(),
  ports: new Map(),
  destinations: new Map(),
  triples: new Map(),
});

export const newSubheading = (): SubheadingState => ({ n: 0, unitValue: new RobustRing(UV_RING), fobSize: new RobustRing(UV_RING), unitValueByDestination: new Map(), kgPerUnit: new Map(), companies: 0, ports: new Map(), destinations: new Map() });

export const newPort = (): PortState => ({ n: 0, companies: 0, subheadings: 0 });

/** Adds to a bounded edge map: a new edge beyond MAX_EDGES is not remembered. */
export function bump(m: Map<string, number>, k: string): void {
  const n = m.get(k);
  if (n !== undefined) m.set(k, n + 1);
  else if (m.size < MAX_EDGES) m.set(k, 1);
}

/** The ring of `k`, created when there is room (MAX_EDGES). */
export function ringOf(m: Map<string, RobustRing>, k: string): RobustRing | undefined {
  let r = m.get(k);
  if (r === undefined && m.size < MAX_EDGES) m.set(k, (r = new RobustRing(SUB_RING)));
  return r;
}

/**
 * Licences the quota ledger remembers. The ledger is outside the key budget on purpose: a
 * licence's yearly consumption must survive however long its company stays idle (an evicted
 * company is forgotten after processor.limits.forgetEvictedMs), and the register is small
 * (thousands of licences, ~100 bytes each). Past this, a new licence's consumption is counted
 * from its current declaration only, and `ledgerFull` says so.
 */
export const MAX_LICENCES = 200_000;

export interface LicenceUse {
  year: number;
  kg: number;
}

/** Every node's state, keyed as the key budget sees it, and the quota ledger. */
export class TradeGraphState {
  readonly companies = new Map<string, CompanyState>();
  readonly subheadings = new Map<string, SubheadingState>();
  readonly ports = new Map<string, PortState>();
  /** `<partition>:<licence>` → kg declared under it in `year`. */
  readonly licences = new Map<string, LicenceUse>();
  /** Declarations whose licence the full ledger could not remember. */
  ledgerFull = 0;

  /** The map id of a per-partition node. */
  static sharedId = (partition: number, id: string) => `${partition}:${id}`;
  static companyKey = (id: string) => `c:${id}`;
  static subheadingKey = (partition: number, s: string) => `s:${partition}:${s}`;
  static portKey = (partition: number, p: string) => `p:${partition}:${p}`;

  /**
   * Degree counts owed by evicted nodes: `<partition>:<id>` of a subheading or port node →
   * companies (and, for a port, subheadings) forgotten while the node was evicted, taken off
   * its counts when it is revived (its evicted form is a serialized blob in the key budget).
   */
  readonly owed = new Map<string, { companies: number; subheadings: number }>();

  /**
   * The key budget's view of the nodes of one partition (KeyedState): sizes, eviction, revival,
   * and forgetting. A forgotten node leaves the degrees of the nodes that counted it, so a
   * subheading's or port's degree is the number of companies (subheadings) that remember the
   * edge — a forgotten company that returns is counted once again, not twice. `isEvicted` tells
   * whether a node of the partition is held evicted (its count is then owed until revival) or is
   * gone (nothing to take off: a fresh node never counted the forgotten one).
   */
  keyedFor(partition: number, isEvicted: (key: string) => boolean): KeyedState {
    return {
      bytesOf: (key) => this.#bytesOf(key),
      evict: (key) => {
        const [map, id] = this.#mapOf(key);
        const s = map.get(id);
        map.delete(id);
        if (s === undefined) return undefined;
        // A company leaves the live map, so its own object can be handed over: the budget's
        // structured clone (v8.serialize) keeps Maps, and most exporters file less than daily,
        // so this runs for a good share of declarations. Rings need their plain form.
        return key.startsWith('c:') ? s : toPlain(key, s);
      },
      revive: (key, state) => {
        if (state === undefined || state === null) return;
        const [map, id] = this.#mapOf(key);
        const node = fromPlain(key, state) as CompanyState | SubheadingState | PortState;
        const owed = key.startsWith('c:') ? undefined : this.owed.get(id);
        if (owed) {
          this.owed.delete(id);
          const n = node as SubheadingState | PortState;
          n.companies = Math.max(0, n.companies - owed.companies);
          if ('subheadings' in n) n.subheadings = Math.max(0, n.subheadings - owed.subheadings);
        }
        map.set(id, node as never);
      },
      forget: (key, state) => {
        if (!key.startsWith('c:')) this.owed.delete(key.slice(2));
        if (state === undefined || state === null) return;
        if (key.startsWith('c:')) {
          const c = fromPlain(key, state) as CompanyState;
          for (const sub of c.subheadings.keys()) this.#uncount(TradeGraphState.subheadingKey(partition, sub), 'companies', isEvicted);
          for (const port of c.ports.keys()) this.#uncount(TradeGraphState.portKey(partition, port), 'companies', isEvicted);
        } else if (key.startsWith('s:')) {
          const h = fromPlain(key, state) as SubheadingState;
          for (const port of h.ports.keys()) this.#uncount(TradeGraphState.portKey(partition, port), 'subheadings', isEvicted);
        }
      },
    };
  }

  /** Takes one off a node's count: now when it is live, on revival when it is evicted. */
  #uncount(key: string, count: 'companies' | 'subheadings', isEvicted: (key: string) => boolean): void {
    const [map, id] = this.#mapOf(key);
    const node = map.get(id) as { companies: number; subheadings?: number } | undefined;
    if (node !== undefined) {
      node[count] = Math.max(0, (node[count] ?? 0) - 1);
      return;
    }
    if (!isEvicted(key)) return;
    let o = this.owed.get(id);
    if (o === undefined) this.owed.set(id, (o = { companies: 0, subheadings: 0 }));
    o[count]++;
  }

  #mapOf(key: string): [Map<string, unknown>, string] {
    const id = key.slice(2);
    if (key.startsWith('c:')) return [this.companies, id];
    if (key.startsWith('s:')) return [this.subheadings, id];
    return [this.ports, id];
  }

  #bytesOf(key: string): number {
    const [map, id] = this.#mapOf(key);
    const s = map.get(id);
    if (s === undefined) return 0;
    if (key.startsWith('c:')) {
      const c = s as CompanyState;
      return 400 + 80 * (c.subheadings.size + c.ports.size + c.destinations.size + c.triples.size);
    }
    if (key.startsWith('s:')) {
      const h = s as SubheadingState;
      let rings = h.unitValue.bytes + h.fobSize.bytes;
      for (const r of h.unitValueByDestination.values()) rings += r.bytes + 40;
      for (const r of h.kgPerUnit.values()) rings += r.bytes + 40;
      return 200 + rings + 60 * (h.ports.size + h.destinations.size);
    }
    return 120;
  }

  /** Every live node as JSON-safe data (the snapshot). */
  snapshot(): TradeGraphSnapshot {
    return {
      companies: [...this.companies].map(([k, v]) => [k, toPlain('c:', v)]),
      subheadings: [...this.subheadings].map(([k, v]) => [k, toPlain('s:', v)]),
      ports: [...this.ports].map(([k, v]) => [k, v]),
      licences: [...this.licences].map(([k, v]) => [k, { ...v }]),
      owed: [...this.owed].map(([k, v]) => [k, { ...v }]),
    };
  }

  restore(s: TradeGraphSnapshot): void {
    this.companies.clear();
    this.subheadings.clear();
    this.ports.clear();
    for (const [k, v] of s.companies) this.companies.set(k, fromPlain('c:', v) as CompanyState);
    for (const [k, v] of s.subheadings) this.subheadings.set(k, fromPlain('s:', v) as SubheadingState);
    for (const [k, v] of s.ports) this.ports.set(k, { ...(v as PortState) });
    this.licences.clear();
    for (const [k, v] of s.licences) this.licences.set(k, { ...v });
    this.owed.clear();
    // Absent from a v1 snapshot (nothing was owed then: forgetting left the degrees as they were).
    for (const [k, v] of s.owed ?? []) this.owed.set(k, { ...v });
  }
}

export interface TradeGraphSnapshot {
  companies: [string, unknown][];
  subheadings: [string, unknown][];
  ports: [string, unknown][];
  licences: [string, LicenceUse][];
  /** Since v2 (TradeGraphState.owed). */
  owed?: [string, { companies: number; subheadings: number }][];
}

type PlainRing = RobustRingSnapshot;

/** Maps and rings as arrays: the same form for the JSON snapshot and the evicted blob. */
function toPlain(key: string, s: unknown): unknown {
  if (key.startsWith('c:')) {
    const c = s as CompanyState;
    return {
      ...c,
      short: { ...c.short },
      long: { ...c.long },
      hourly: { ...c.hourly },
      value: { ...c.value },
      nearThreshold: { ...c.nearThreshold },
      nearThresholdLong: { ...c.nearThresholdLong },
      newSubheadings: { ...c.newSubheadings },
      newPorts: { ...c.newPorts },
      newDestinations: { ...c.newDestinations },
      subheadings: [...c.subheadings].map(([k, v]) => [k, { ...v }]),
      ports: [...c.ports],
      destinations: [...c.destinations],
      triples: [...c.triples],
    };
  }
  if (key.startsWith('s:')) {
    const h = s as SubheadingState;
    return {
      n: h.n,
      companies: h.companies,
      unitValue: h.unitValue.snapshot(),
      fobSize: h.fobSize.snapshot(),
      unitValueByDestination: [...h.unitValueByDestination].map(([k, r]) => [k, r.snapshot()]),
      kgPerUnit: [...h.kgPerUnit].map(([k, r]) => [k, r.snapshot()]),
      ports: [...h.ports],
      destinations: [...h.destinations],
    };
  }
  return { ...(s as PortState) };
}

function fromPlain(key: string, p: unknown): unknown {
  if (key.startsWith('c:')) {
    const c = p as Record<string, unknown> & CompanyState;
    // The evicted form (see keyedFor().evict): the company itself, back from v8's structured clone.
    if (c.subheadings instanceof Map) return c;
    return {
      ...c,
      // A snapshot from before trade-ae@3 has no novelty counts: the company starts them afresh.
      newSubheadings: c.newSubheadings ?? emptyDecayed(),
      newPorts: c.newPorts ?? emptyDecayed(),
      newDestinations: c.newDestinations ?? emptyDecayed(),
      // Nor when it last opened an edge: counted from its first declaration.
      subheadingOpenedAt: c.subheadingOpenedAt ?? 0,
      portOpenedAt: c.portOpenedAt ?? 0,
      destinationOpenedAt: c.destinationOpenedAt ?? 0,
      subheadings: new Map(c.subheadings as unknown as [string, EdgeStat][]),
      ports: new Map(c.ports as unknown as [string, number][]),
      destinations: new Map(c.destinations as unknown as [string, number][]),
      triples: new Map(c.triples as unknown as [string, number][]),
    } satisfies CompanyState;
  }
  if (key.startsWith('s:')) {
    const h = p as { n: number; companies: number; unitValue: PlainRing; fobSize: PlainRing; unitValueByDestination: [string, PlainRing][]; kgPerUnit: [string, PlainRing][]; ports: [string, number][]; destinations?: [string, number][] };
    return {
      n: h.n,
      companies: h.companies,
      unitValue: RobustRing.restore(UV_RING, h.unitValue),
      fobSize: RobustRing.restore(UV_RING, h.fobSize),
      unitValueByDestination: new Map(h.unitValueByDestination.map(([k, r]) => [k, RobustRing.restore(SUB_RING, r)])),
      kgPerUnit: new Map(h.kgPerUnit.map(([k, r]) => [k, RobustRing.restore(SUB_RING, r)])),
      ports: new Map(h.ports),
      destinations: new Map(h.destinations ?? []),
    } satisfies SubheadingState;
  }
  return { ...(p as PortState) };
}
