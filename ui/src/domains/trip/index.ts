// The trip domain in the UI: the map of scored H3 cells with the fare-anomaly list. Its
// anomalies are not on the Live view (the map is their live view), and an anomaly's entity (a
// cell or a trip) has no page of its own yet, so it stays plain text.
import type { UiDomainModule } from '../ui-domain-module.ts';
import { TRIP_DOMAIN } from './name.ts';

export const TRIP: UiDomainModule = {
  name: TRIP_DOMAIN,
  routes: [
    {
      name: 'trips',
      navLabel: 'Trips',
      loadingLabel: 'the trip map',
      // Loaded on first visit: the view brings h3-js and the city outline (~270 kB minified),
      // which the other views do not need.
      load: () => import('./TripsView.svelte'),
    },
  ],
};
