/**
 * NATS plumbing shared by the processor, the producers, the benches and the CLI: connecting
 * (credentials in the URL), the streams Vigía needs, and fast acked JetStream publishing.
 * Import from here, never from the files behind it.
 */
export { connectNats, type ConnectNatsOptions } from './connect-nats.ts';
export { NatsUrlCredentialsError, redactNatsUrl, splitNatsCredentials, withNatsCredentials, type NatsServersAndAuth } from './nats-url-credentials.ts';
export { ensureStreams, streamConfigs, type StreamLimits } from './ensure-streams.ts';
export type { OutgoingMessage } from './outgoing-message.ts';
export { PipelinedPublisher, PublishFailedError, PublisherClosedError, type PipelinedPublisherOptions } from './pipelined-publisher.ts';
export { jetStreamDelivery, NotAJetStreamReplyError, type JetStreamDelivery } from './jetstream-delivery.ts';
