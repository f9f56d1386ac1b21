// The trade domain in the UI: one view with the anomaly feed and its explanation bars, the top
// companies now and the selected anomaly's company neighbourhood. An anomaly's entity (a
// company) links to the view with that declaration selected.
import { routeHref } from '../../lib/route.ts';
import type { UiDomainModule } from '../ui-domain-module.ts';
import { TRADE_DOMAIN } from './name.ts';

export const TRADE: UiDomainModule = {
  name: TRADE_DOMAIN,
  routes: [
    {
      name: 'trade',
      navLabel: 'Trade',
      loadingLabel: 'the trade view',
      // Loaded on first visit: the graph brings cytoscape (~430 kB minified), which the other views do not need.
      load: () => import('./TradeView.svelte'),
    },
  ],
  entityLink: (a) => ({ href: routeHref('trade', a.entity, a.eventId), title: `Open ${a.entity}'s neighbourhood around this declaration` }),
};
