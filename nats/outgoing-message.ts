/** One message for a JetStream stream, as producers, benches and the processor's publishers hand it over. */
export interface OutgoingMessage {
  subject: string;
  data: Uint8Array | string;
  /** JetStream de-duplication id: the same id within the window is stored once. */
  msgId: string;
  headers?: Record<string, string>;
}
