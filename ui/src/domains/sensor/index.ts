// The sensor domain in the UI: the station list and one station's charts, linked from every
// sensor anomaly, whose anomalies also stream on the Live view. Both views are small and share
// the chart code with the rest of the page, so they stay in the main bundle.
import { routeHref } from '../../lib/route.ts';
import type { UiDomainModule } from '../ui-domain-module.ts';
import { SENSOR_DOMAIN } from './name.ts';
import StationsView from './StationsView.svelte';
import StationView from './StationView.svelte';

export const SENSOR: UiDomainModule = {
  name: SENSOR_DOMAIN,
  routes: [
    { name: 'stations', navLabel: 'Stations', load: () => ({ default: StationsView }) },
    { name: 'station', navParent: 'stations', load: () => ({ default: StationView }) },
  ],
  entityLink: (a) => ({ href: routeHref('station', a.entity), title: `Open ${a.entity}: its channels, score and anomaly periods` }),
  live: { scope: 'sensor stations' },
};
