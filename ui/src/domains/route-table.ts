// The shell's routes, looked up by name and turned into the header nav. Pure; checks once, at
// start, what would otherwise fail quietly: two views claiming one hash, a name the hash parser
// can never produce, a nav parent that does not exist.
import { routeHref, type NavItem } from '../lib/route.ts';
import type { UiRoute } from './ui-domain-module.ts';

/** Route names the hash parser can produce (`parseRoute` lower-cases the view). */
const ROUTE_NAME = /^[a-z0-9-]+$/;

/** The routes of the shell and the domains do not fit together; names the route at fault. */
export class RouteTableError extends Error {
  override name = 'RouteTableError';
  constructor(
    message: string,
    readonly route: string,
  ) {
    super(message);
  }
}

/** The routes by name, in the order given; throws a `RouteTableError` when they clash. */
export function routeTable(routes: readonly UiRoute[]): ReadonlyMap<string, UiRoute> {
  const table = new Map<string, UiRoute>();
  for (const r of routes) {
    if (!ROUTE_NAME.test(r.name)) {
      throw new RouteTableError(`route "${r.name}" can never match: use lower-case letters, digits and "-" (the hash is lower-cased)`, r.name);
    }
    if (table.has(r.name)) throw new RouteTableError(`two views claim the route "${r.name}": rename one in its domain module`, r.name);
    table.set(r.name, r);
  }
  for (const r of routes) {
    if (r.navParent === undefined) continue;
    const parent = table.get(r.navParent);
    if (!parent?.navLabel) {
      throw new RouteTableError(`route "${r.name}" names "${r.navParent}" as its nav parent, which is not a route with a nav label`, r.name);
    }
  }
  return table;
}

/** The header nav: one entry per route with a label, in table order. */
export function navItems(table: ReadonlyMap<string, UiRoute>): NavItem[] {
  return [...table.values()].flatMap((r) => (r.navLabel ? [{ id: r.name, label: r.navLabel, href: routeHref(r.name) }] : []));
}

/** The nav entry to highlight while `route` is shown. */
export const navTarget = (route: UiRoute): string => route.navParent ?? route.name;
