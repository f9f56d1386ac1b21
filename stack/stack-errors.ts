/** No nats-server could be found or installed; the message says how to get one. */
export class NatsServerMissingError extends Error {
  override name = 'NatsServerMissingError';
  constructor(detail: string) {
    super(
      `nats-server was not found (${detail}).\n` +
        `  Install it (Debian/Ubuntu: apt-get install nats-server; elsewhere: https://docs.nats.io/running-a-nats-service/introduction/installation),\n` +
        `  put it on PATH or set NATS_SERVER_BIN, or point Vigía at a running server with NATS_URL=nats://host:4222.`,
    );
  }
}

/** nats-server started but never accepted connections, or exited early. */
export class NatsServerStartError extends Error {
  override name = 'NatsServerStartError';
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- nats-server output ---\n${logTail}`);
  }
}
