// What one domain (sensor, trip, …) brings to the UI, as one object: its routed views, how an
// anomaly of the domain links to one of them, and whether its anomalies stream on the shared
// Live view. The shell (App, header nav, anomaly rows, the page's live feed) only iterates the
// registry of these modules, so a new domain is one folder under ui/src/domains/ and one line
// in registry.ts; no code outside that folder names the domain.
import type { Component } from 'svelte';
import type { Anomaly, Domain } from '../../../contracts/index.ts';

/** Props of every routed view: the route's arguments, e.g. `['st-001']` for `#/station/st-001`. */
export interface ViewProps {
  args?: readonly string[];
}

/** A view component as a module import gives it (`import('./X.svelte')`, or `{ default: X }`). */
export interface ViewModule {
  default: Component<ViewProps>;
}

/** One hash route, `#/<name>/<args…>`, and the view it shows. */
export interface UiRoute {
  /** First hash segment: lower-case letters, digits and `-`; unique over the shell and every domain. */
  name: string;
  /** Label of the route's entry in the header nav; routes without one are reached from a view. */
  navLabel?: string;
  /** Route whose nav entry is highlighted while this one is shown (`station` → `stations`). */
  navParent?: string;
  /** What the view shows, for its loading and failure messages, e.g. `the trip map`. @default 'the view' */
  loadingLabel?: string;
  /**
   * The view. Return the module itself for a view in the main bundle, or a dynamic `import()`
   * for a heavy one, which is then fetched on its first visit.
   */
  load(): ViewModule | Promise<ViewModule>;
}

/** Where an anomaly's entity opens, and the tooltip that says what is there. */
export interface EntityLink {
  href: string;
  title: string;
}

export interface UiDomainModule {
  /** The domain, as anomalies and socket rooms name it. */
  name: Domain;
  /** The domain's views; an empty list is fine for a domain seen only in the Live feed. */
  routes: readonly UiRoute[];
  /** Where an anomaly's entity links to; undefined (or absent) leaves the entity as plain text. */
  entityLink?(anomaly: Anomaly): EntityLink | undefined;
  /**
   * Extra detail under an anomaly row's drivers, for what the generic row cannot show. Imported
   * statically, so it ships in the main bundle: keep it small. Absent: nothing extra.
   */
  AnomalyDetail?: Component<{ anomaly: Anomaly }>;
  /**
   * Present when the domain's anomalies stream on the Live view: the page's feed joins the
   * domain's room, and `scope` names what they are about in the view's title.
   */
  live?: { scope: string };
}
