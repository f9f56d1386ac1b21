import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { navItems, navTarget, routeTable, RouteTableError } from './route-table.ts';
import type { UiRoute } from './ui-domain-module.ts';

const view = () => ({ default: (() => ({})) as never });
const route = (name: string, over: Partial<UiRoute> = {}): UiRoute => ({ name, load: view, ...over });

describe('routeTable', () => {
  it('keeps the routes by name, in the order given', () => {
    const table = routeTable([route('live', { navLabel: 'Live' }), route('stations', { navLabel: 'Stations' }), route('station', { navParent: 'stations' })]);
    assert.deepEqual([...table.keys()], ['live', 'stations', 'station']);
  });

  it('refuses two routes with one name, naming it', () => {
    assert.throws(
      () => routeTable([route('trips'), route('live'), route('trips')]),
      (err: unknown) => err instanceof RouteTableError && err.route === 'trips' && /two views claim the route "trips"/.test(err.message),
    );
  });

  it('refuses a name the lower-cased hash can never match', () => {
    for (const name of ['Trades', 'my view', '', 'a/b']) {
      assert.throws(() => routeTable([route(name)]), RouteTableError, name);
    }
  });

  it('refuses a nav parent that is missing or not in the nav', () => {
    assert.throws(() => routeTable([route('station', { navParent: 'stations' })]), /nav parent/);
    assert.throws(() => routeTable([route('stations'), route('station', { navParent: 'stations' })]), /nav parent/);
  });
});

describe('navItems', () => {
  it('lists the routes with a label, in table order, linking to their hash', () => {
    const table = routeTable([route('live', { navLabel: 'Live' }), route('station', { navParent: 'stations' }), route('stations', { navLabel: 'Stations' })]);
    assert.deepEqual(navItems(table), [
      { id: 'live', label: 'Live', href: '#/live' },
      { id: 'stations', label: 'Stations', href: '#/stations' },
    ]);
  });
});

describe('navTarget', () => {
  it('is the nav parent when there is one, else the route itself', () => {
    assert.equal(navTarget(route('station', { navParent: 'stations' })), 'stations');
    assert.equal(navTarget(route('trips')), 'trips');
  });
});
