// The page's live feed: one socket.io connection for the header's stats and the Live view's
// anomalies, in the rooms of every registered domain that streams there.
import { LIVE_SUBSCRIPTIONS } from './domains/registry.ts';
import { createLiveFeed, type LiveFeed } from './lib/live-feed.ts';

export const liveFeed: LiveFeed = createLiveFeed({ subscriptions: LIVE_SUBSCRIPTIONS });
