/** A message as the alert or dead-letter subscriber receives it: subject and parsed JSON body. */
export interface PublishedMessage {
  subject: string;
  body: unknown;
}

/** A publisher and a way to read back everything it has stored since it was made. */
export interface PublisherUnderTest<P> {
  publisher: P;
  /** Messages stored since this publisher was made, in store order. */
  published(): Promise<PublishedMessage[]>;
  /** Make the store refuse what comes next (a broker refusing writes); resolves with how to make it take them again. */
  refuseStores(): Promise<() => Promise<void>>;
}
