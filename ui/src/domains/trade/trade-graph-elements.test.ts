import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphElements, NODE_SIZE } from './trade-graph-elements.ts';

const node = (kind: 'company' | 'subheading' | 'port' | 'destination', label: string, fobUsd: number) => ({ id: `${kind}:${label}`, kind, label, fobUsd, declarations: 1 });

describe('graphElements', () => {
  it('lays the kinds out in four columns, sizes nodes by volume and classes the anomalous route', () => {
    const g = {
      exporterId: 'C1', from: '2026-11-01', to: '2026-11-30', focus: null, truncated: false,
      nodes: [node('company', 'C1', 400), node('subheading', '090111', 300), node('subheading', '060311', 100), node('port', 'COCTG', 400), node('destination', 'US', 400)],
      edges: [
        { id: 'a', source: 'company:C1', target: 'subheading:060311', fobUsd: 100, declarations: 1, anomalous: true, novel: true },
        { id: 'b', source: 'company:C1', target: 'subheading:090111', fobUsd: 300, declarations: 5, anomalous: false, novel: false },
      ],
    };
    const els = graphElements(g, 860, 400);
    const byId = Object.fromEntries(els.map((e) => [e.data.id, e]));
    const xs = ['company:C1', 'subheading:090111', 'port:COCTG', 'destination:US'].map((id) => byId[id]!.position!.x);
    assert.deepEqual(xs, [40, 300, 560, 820]);
    // The larger subheading sits first in its column and is drawn larger.
    assert.ok(byId['subheading:090111']!.position!.y < byId['subheading:060311']!.position!.y);
    assert.equal(byId['company:C1']!.data.size, NODE_SIZE.max);
    assert.ok((byId['subheading:060311']!.data.size as number) < (byId['subheading:090111']!.data.size as number));
    assert.equal(byId.a!.classes, 'anomalous novel');
    assert.equal(byId.b!.classes, '');
    assert.match(byId['company:C1']!.classes, /focus/);
    assert.equal(byId['port:COCTG']!.classes, 'port');
  });
});
