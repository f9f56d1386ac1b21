/** A raw message from the log as every domain core sees it, without any broker API. */
export interface RawEvent {
  subject: string;
  redelivered?: boolean;
  seq: number;
  partition: number;
  data: Uint8Array;
}
