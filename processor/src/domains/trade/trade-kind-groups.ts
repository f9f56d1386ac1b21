// Which feature group names each anomaly kind the producer injects: what an explanation of a
// found anomaly should point at (the bench's explanation hit rate: the stored top_group of the
// first flagged declaration of an incident equals its kind's group). Next to the features
// because the groups are theirs; the kinds are the contract's.
import type { TradeAnomalyKind } from '../../../../contracts/index.ts';
import type { TradeFeatureGroup } from './trade-features.ts';

export const TRADE_KIND_GROUP: Readonly<Record<TradeAnomalyKind, TradeFeatureGroup>> = {
  // The unit value is off the goods' norm.
  under_invoicing: 'price',
  over_invoicing: 'price',
  // The unit value is another chapter's: still a price far from this subheading's.
  misclassification: 'price',
  weight_inconsistency: 'weight',
  // A company–subheading, company–port or company–destination edge never seen.
  new_subheading: 'route',
  new_port: 'route',
  new_destination: 'route',
  // The company's own rhythm: too many declarations, or too many just under the threshold.
  burst: 'company',
  structuring: 'company',
  // A company with no past filing lots its peers file only when large and established.
  new_company: 'company',
  quota_exceeded: 'quota',
  // A controlled substance off its routes: the quota group holds `controlled_route_new`.
  unusual_route: 'quota',
};
