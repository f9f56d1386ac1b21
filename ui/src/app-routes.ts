// Every route of the page: the shell's Live view, then each domain's views in registry order.
// The header nav is derived from the same table, so a domain's view appears in both or neither.
import { DOMAIN_ROUTES } from './domains/registry.ts';
import { navItems, routeTable } from './domains/route-table.ts';
import type { UiRoute } from './domains/ui-domain-module.ts';
import LiveView from './views/LiveView.svelte';

/** `#/live`, also shown for an empty or unknown hash. */
export const LIVE_ROUTE: UiRoute = { name: 'live', navLabel: 'Live', load: () => ({ default: LiveView }) };

export const APP_ROUTES = routeTable([LIVE_ROUTE, ...DOMAIN_ROUTES]);

export const NAV = navItems(APP_ROUTES);

/** The route of a parsed hash's view name; the Live view for anything unknown. */
export const routeOf = (view: string): UiRoute => APP_ROUTES.get(view) ?? LIVE_ROUTE;
