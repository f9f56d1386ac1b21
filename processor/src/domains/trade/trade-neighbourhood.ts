// A company's neighbourhood in the heterogeneous graph, from its routes (subheading × port ×
// destination, summed over days): company → subheading → port → destination. Pure, so the
// route's answer is tested without a store. Edges sum the company's own routes through them.
import type { TradeGraphEdge, TradeGraphFocus, TradeGraphNode, TradeNodeKind } from '../../../../contracts/index.ts';

export interface TradeRouteVolume {
  subheading: string;
  port: string;
  destination: string;
  declarations: number;
  fobUsd: number;
}

export interface TradeNeighbourhood {
  nodes: TradeGraphNode[];
  edges: TradeGraphEdge[];
}

const nodeId = (kind: TradeNodeKind, value: string) => `${kind}:${value}`;

export function tradeNeighbourhood(exporterId: string, routes: readonly TradeRouteVolume[], focus: Pick<TradeGraphFocus, 'subheading' | 'port' | 'destination'> | null): TradeNeighbourhood {
  const nodes = new Map<string, TradeGraphNode>();
  const edges = new Map<string, TradeGraphEdge>();
  const node = (kind: TradeNodeKind, value: string, r: TradeRouteVolume) => {
    const id = nodeId(kind, value);
    const n = nodes.get(id);
    if (n) {
      n.fobUsd += r.fobUsd;
      n.declarations += r.declarations;
    } else nodes.set(id, { id, kind, label: value, fobUsd: r.fobUsd, declarations: r.declarations });
    return id;
  };
  const edge = (source: string, target: string, r: TradeRouteVolume) => {
    const id = `${source}>${target}`;
    const e = edges.get(id);
    if (e) {
      e.fobUsd += r.fobUsd;
      e.declarations += r.declarations;
    } else edges.set(id, { id, source, target, fobUsd: r.fobUsd, declarations: r.declarations, anomalous: false, novel: false });
  };
  for (const r of routes) {
    const c = node('company', exporterId, r);
    const s = node('subheading', r.subheading, r);
    const p = node('port', r.port, r);
    const d = node('destination', r.destination, r);
    edge(c, s, r);
    edge(s, p, r);
    edge(p, d, r);
  }
  if (focus) {
    const path = [nodeId('company', exporterId), nodeId('subheading', focus.subheading), nodeId('port', focus.port), nodeId('destination', focus.destination)];
    for (let i = 0; i + 1 < path.length; i++) {
      const e = edges.get(`${path[i]}>${path[i + 1]}`);
      if (!e) continue;
      e.anomalous = true;
      // The focused declaration is on this edge: a single declaration means it is the only one.
      e.novel = e.declarations <= 1;
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
