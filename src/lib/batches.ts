/** The most messages one `sendBatch` takes. */
const QUEUE_BATCH_LIMIT = 100;

/** Sends every message, as many batches as the queue's limit needs, in order. */
export async function sendInBatches<Body>(queue: Queue<Body>, messages: MessageSendRequest<Body>[]): Promise<void> {
  for (let i = 0; i < messages.length; i += QUEUE_BATCH_LIMIT) await queue.sendBatch(messages.slice(i, i + QUEUE_BATCH_LIMIT));
}

/**
 * Waits for every task, then throws the first failure. A rollback after a
 * failed write must see every write that finished, including those that
 * finished after the first failure.
 */
export async function settleAll(tasks: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}
