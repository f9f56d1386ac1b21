// Hash-based view switching: `#/live`, later `#/station/<id>`, `#/map`, `#/models`, `#/sql`.
// The hash keeps the processor's static file server simple (every view is `index.html`).
import { readable, type Readable } from 'svelte/store';

export interface Route {
  /** First path segment, lower-cased; `''` for an empty hash. */
  view: string;
  /** Remaining segments, URI-decoded, e.g. `['ST-001']` for `#/station/ST-001`. */
  args: string[];
}

/** One entry of the view switcher in the header. */
export interface NavItem {
  /** Route view id, e.g. `live`. */
  id: string;
  label: string;
  href: string;
}

/** Parses `#/view/arg1/arg2` (leading `#`, `/` optional); malformed escapes are kept as typed. */
export function parseRoute(hash: string): Route {
  const segments = hash
    .replace(/^#/, '')
    .split('/')
    .filter((s) => s.length > 0)
    .map(safeDecode);
  const [view = '', ...args] = segments;
  return { view: view.toLowerCase(), args };
}

/** The hash for a route, e.g. `routeHref('station', 'ST 1')` → `#/station/ST%201`. */
export function routeHref(view: string, ...args: string[]): string {
  return `#/${[view, ...args].map(encodeURIComponent).join('/')}`;
}

/** The current route, following `hashchange` while subscribed. */
export function createRouteStore(win: Window = window): Readable<Route> {
  return readable(parseRoute(win.location.hash), (set) => {
    const onChange = () => set(parseRoute(win.location.hash));
    win.addEventListener('hashchange', onChange);
    onChange();
    return () => win.removeEventListener('hashchange', onChange);
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
