import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { Domain, type Anomaly } from '../../../contracts/index.ts';
import type { UiDomainModule } from './ui-domain-module.ts';

// Node cannot compile .svelte files: every view and component loads as a stub, which is all a
// test of names, routes, links and loaders needs. Registered before the registry is imported.
const stubSvelte = `export async function load(url, context, next) {
  if (url.endsWith('.svelte')) return { format: 'module', source: 'export default function SvelteStub() {}', shortCircuit: true };
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(stubSvelte)}`);
const { UI_DOMAINS, domainModule, LIVE_SCOPE, LIVE_SUBSCRIPTIONS } = await import('./registry.ts');
const { APP_ROUTES, LIVE_ROUTE, NAV, routeOf } = await import('../app-routes.ts');
const { navItems, routeTable } = await import('./route-table.ts');

function anomaly(over: Partial<Anomaly>): Anomaly {
  return {
    id: 'run1:evt-1',
    runId: 'run1',
    domain: 'sensor',
    entity: 'st-001',
    eventId: 'evt-1',
    ts: 1_700_000_000_000,
    score: 80,
    severity: 'major',
    detector: 'test@1',
    drivers: [],
    values: {},
    ...over,
  } as Anomaly;
}

describe('the UI domain registry', () => {
  it('holds one module per known domain', () => {
    const names = UI_DOMAINS.map((d) => d.name);
    for (const n of names) assert.ok(Domain.safeParse(n).success, `${n} is not a contract domain`);
    assert.equal(new Set(names).size, names.length, `a domain is registered twice: ${names.join(', ')}`);
    for (const d of UI_DOMAINS) assert.equal(domainModule(d.name), d);
  });

  it('gives every route one name over the shell and all domains', () => {
    const all = [LIVE_ROUTE, ...UI_DOMAINS.flatMap((d) => d.routes)];
    assert.equal(APP_ROUTES.size, all.length);
    assert.deepEqual([...APP_ROUTES.keys()], ['live', 'stations', 'station', 'trips', 'trade']);
  });

  it('derives the header nav from the routes: the shell first, then each domain in registry order', () => {
    const labelled = UI_DOMAINS.flatMap((d) => d.routes.filter((r) => r.navLabel).map((r) => r.name));
    assert.deepEqual(
      NAV.map((n) => n.id),
      ['live', ...labelled],
    );
    assert.deepEqual(
      NAV.map((n) => [n.label, n.href]),
      [
        ['Live', '#/live'],
        ['Stations', '#/stations'],
        ['Trips', '#/trips'],
        ['Trade', '#/trade'],
      ],
    );
  });

  it('takes a further domain module into the routes and nav, and refuses one that reuses a route', () => {
    const further: UiDomainModule = { name: 'trade', routes: [{ name: 'trades', navLabel: 'Trades', load: LIVE_ROUTE.load }] };
    const withFurther = routeTable([LIVE_ROUTE, ...[...UI_DOMAINS, further].flatMap((d) => d.routes)]);
    assert.deepEqual(
      navItems(withFurther).map((n) => n.label),
      ['Live', 'Stations', 'Trips', 'Trade', 'Trades'],
    );
    const clashing: UiDomainModule = { name: 'trade', routes: [{ name: 'trips', load: LIVE_ROUTE.load }] };
    assert.throws(() => routeTable([LIVE_ROUTE, ...[...UI_DOMAINS, clashing].flatMap((d) => d.routes)]), /two views claim the route "trips"/);
  });

  it('falls back to the Live view for an empty or unknown hash', () => {
    assert.equal(routeOf(''), LIVE_ROUTE);
    assert.equal(routeOf('nope'), LIVE_ROUTE);
    assert.equal(routeOf('trips').name, 'trips');
  });

  it('loads a view for every route', async () => {
    for (const r of APP_ROUTES.values()) {
      const mod = await r.load();
      assert.equal(typeof mod.default, 'function', `route ${r.name} loads no component`);
    }
  });

  it("links a sensor anomaly's station to its view and leaves other entities as text", () => {
    assert.deepEqual(domainModule('sensor')?.entityLink?.(anomaly({ entity: 'st 7' })), {
      href: '#/station/st%207',
      title: 'Open st 7: its channels, score and anomaly periods',
    });
    assert.equal(domainModule('trip')?.entityLink?.(anomaly({ domain: 'trip', entity: '882a100d2dfffff' })), undefined);
  });

  it('streams only the sensor anomalies on the Live view, as before the registry', () => {
    assert.deepEqual(LIVE_SUBSCRIPTIONS, [{ domain: 'sensor' }]);
    assert.equal(LIVE_SCOPE, 'sensor stations');
  });
});
