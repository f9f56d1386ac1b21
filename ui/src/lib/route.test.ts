import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, routeHref } from './route.ts';

describe('parseRoute', () => {
  it('reads the view and its arguments', () => {
    assert.deepEqual(parseRoute('#/station/ST-001'), { view: 'station', args: ['ST-001'] });
    assert.deepEqual(parseRoute('#/Live'), { view: 'live', args: [] });
    assert.deepEqual(parseRoute('#live/'), { view: 'live', args: [] });
  });

  it('gives an empty view for an empty hash', () => {
    assert.deepEqual(parseRoute(''), { view: '', args: [] });
    assert.deepEqual(parseRoute('#/'), { view: '', args: [] });
  });

  it('decodes arguments and keeps malformed escapes as typed', () => {
    assert.deepEqual(parseRoute('#/station/ST%201'), { view: 'station', args: ['ST 1'] });
    assert.deepEqual(parseRoute('#/station/%E0%A4%A'), { view: 'station', args: ['%E0%A4%A'] });
  });

  it('round-trips through routeHref', () => {
    const href = routeHref('station', 'a/b c');
    assert.equal(href, '#/station/a%2Fb%20c');
    assert.deepEqual(parseRoute(href), { view: 'station', args: ['a/b c'] });
  });
});
