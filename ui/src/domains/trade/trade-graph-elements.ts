// A company's neighbourhood as cytoscape elements: four columns left to right (company,
// subheadings, ports, destinations), each column ordered by FOB, nodes sized by the company's
// volume through them, edges by theirs. Positions are computed here (a preset layout) so the
// same graph always looks the same and the flow reads left to right. Pure: tested without a DOM.
import type { TradeGraph, TradeNodeKind } from '../../../../contracts/index.ts';

export const COLUMN_OF: Record<TradeNodeKind, number> = { company: 0, subheading: 1, port: 2, destination: 3 };

/** Node diameter, px: from MIN (no volume) to MAX (the company itself, the largest). */
export const NODE_SIZE = { min: 18, max: 64 } as const;
/** Edge width, px. */
export const EDGE_WIDTH = { min: 1.2, max: 10 } as const;

export interface GraphElement {
  group: 'nodes' | 'edges';
  data: Record<string, string | number | boolean>;
  position?: { x: number; y: number };
  classes: string;
}

const fmtUsd = (v: number) => (v >= 1e6 ? `$${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `$${(v / 1e3).toFixed(0)}k` : `$${v.toFixed(0)}`);

export function graphElements(g: TradeGraph, width: number, height: number): GraphElement[] {
  const maxNode = Math.max(1, ...g.nodes.map((n) => n.fobUsd));
  const maxEdge = Math.max(1, ...g.edges.map((e) => e.fobUsd));
  const onFocus = new Set(g.edges.filter((e) => e.anomalous).flatMap((e) => [e.source, e.target]));
  const columns: (typeof g.nodes)[] = [[], [], [], []];
  for (const n of g.nodes) columns[COLUMN_OF[n.kind]]!.push(n);
  const pad = 40;
  const colX = (i: number) => pad + ((width - 2 * pad) * i) / 3;
  const out: GraphElement[] = [];
  columns.forEach((nodes, ci) => {
    nodes.sort((a, b) => b.fobUsd - a.fobUsd || (a.label < b.label ? -1 : 1));
    const step = (height - 2 * pad) / Math.max(1, nodes.length);
    // A crowded column draws its nodes smaller, so neighbours never overlap.
    const largest = Math.max(NODE_SIZE.min, Math.min(NODE_SIZE.max, step * 0.85));
    nodes.forEach((n, i) => {
      out.push({
        group: 'nodes',
        data: {
          id: n.id,
          kind: n.kind,
          label: n.kind === 'company' ? n.label : `${n.label} ${fmtUsd(n.fobUsd)}`,
          size: NODE_SIZE.min + (largest - NODE_SIZE.min) * Math.sqrt(n.fobUsd / maxNode),
          fob: n.fobUsd,
          declarations: n.declarations,
        },
        position: { x: colX(ci), y: pad + step * (i + 0.5) },
        classes: [n.kind, onFocus.has(n.id) ? 'focus' : ''].filter(Boolean).join(' '),
      });
    });
  });
  for (const e of g.edges) {
    out.push({
      group: 'edges',
      data: { id: e.id, source: e.source, target: e.target, width: EDGE_WIDTH.min + (EDGE_WIDTH.max - EDGE_WIDTH.min) * Math.sqrt(e.fobUsd / maxEdge), fob: e.fobUsd, declarations: e.declarations },
      classes: [e.anomalous ? 'anomalous' : '', e.novel ? 'novel' : ''].filter(Boolean).join(' '),
    });
  }
  return out;
}

/** Colours per node kind, shared by the graph's style and its legend. */
export const KIND_STYLE: Record<TradeNodeKind, { colour: string; shape: string; name: string }> = {
  company: { colour: '#38bdf8', shape: 'round-rectangle', name: 'company' },
  subheading: { colour: '#a78bfa', shape: 'ellipse', name: 'HS subheading' },
  port: { colour: '#2dd4bf', shape: 'diamond', name: 'customs port' },
  destination: { colour: '#fbbf24', shape: 'hexagon', name: 'destination' },
};
export const ANOMALOUS_EDGE = '#ff4d5e';

/** The cytoscape stylesheet (selectors on the classes above). */
export function graphStyle(): { selector: string; style: Record<string, unknown> }[] {
  return [
    {
      selector: 'node',
      style: {
        width: 'data(size)',
        height: 'data(size)',
        label: 'data(label)',
        color: '#e7edf3',
        'font-size': 11,
        'text-wrap': 'wrap',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-outline-color': '#0a0e13',
        'text-outline-width': 2,
        'border-width': 1,
        'border-color': '#0a0e13',
      },
    },
    // Beside the node rather than under it: a column's nodes sit closer than two text lines.
    { selector: 'node[kind != "company"]', style: { 'text-valign': 'center', 'text-halign': 'right', 'text-margin-x': 5, 'text-margin-y': 0 } },
    ...Object.entries(KIND_STYLE).map(([kind, s]) => ({ selector: `node.${kind}`, style: { 'background-color': s.colour, shape: s.shape } })),
    { selector: 'node.focus', style: { 'border-width': 3, 'border-color': ANOMALOUS_EDGE } },
    {
      selector: 'edge',
      style: { width: 'data(width)', 'line-color': '#3b4b5e', 'curve-style': 'bezier', opacity: 0.75, 'target-arrow-shape': 'none' },
    },
    { selector: 'edge.anomalous', style: { 'line-color': ANOMALOUS_EDGE, opacity: 1, width: 'mapData(width, 0, 10, 5, 12)', 'z-index': 10 } },
    { selector: 'edge.novel', style: { 'line-style': 'dashed', 'line-dash-pattern': [8, 4] } },
  ];
}
