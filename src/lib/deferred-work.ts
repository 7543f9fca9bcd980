/**
 * Work that cannot run yet but will later, through no fault of its own (the
 * organization is moving between shards): a queue consumer sends its message
 * again with this delay and acks the delivery, so the wait does not spend the
 * message's retries and end in the dead-letter queue.
 */
export class DeferredWork extends Error {
  readonly delaySeconds: number;
  constructor(message: string, delaySeconds: number) {
    super(message);
    this.name = "DeferredWork";
    this.delaySeconds = delaySeconds;
  }
}
