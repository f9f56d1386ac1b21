// Every domain the UI knows, in nav order. Adding a domain: a folder under ui/src/domains/ with
// an index.ts exporting its UiDomainModule, and one line here.
import type { Domain } from '../../../contracts/index.ts';
import type { LiveSubscription } from '../lib/live-feed.ts';
import { SENSOR } from './sensor/index.ts';
import { TRADE } from './trade/index.ts';
import { TRIP } from './trip/index.ts';
import type { UiDomainModule, UiRoute } from './ui-domain-module.ts';

export const UI_DOMAINS: readonly UiDomainModule[] = [SENSOR, TRIP, TRADE];

const byName = new Map<Domain, UiDomainModule>(UI_DOMAINS.map((d) => [d.name, d]));

/** The module of a domain, undefined for one the UI has no module for (it still lists its anomalies). */
export const domainModule = (name: Domain): UiDomainModule | undefined => byName.get(name);

/** Every domain's routes, in registry order. */
export const DOMAIN_ROUTES: readonly UiRoute[] = UI_DOMAINS.flatMap((d) => d.routes);

/** The rooms the Live view's feed joins: every domain that streams there. */
export const LIVE_SUBSCRIPTIONS: readonly LiveSubscription[] = UI_DOMAINS.flatMap((d) => (d.live ? [{ domain: d.name }] : []));

/** What the Live view's anomalies are about, e.g. `sensor stations`. */
export const LIVE_SCOPE: string = UI_DOMAINS.flatMap((d) => (d.live ? [d.live.scope] : [])).join(' · ');
