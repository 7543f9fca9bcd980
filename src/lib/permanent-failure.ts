/**
 * A failure that retrying cannot fix (a run's output or sources are gone, an
 * import's staged rows are missing): the queue consumer records it on the
 * work at once, with this code, and acks the message instead of retrying.
 */
export class PermanentFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "PermanentFailure";
    this.code = code;
  }
}
