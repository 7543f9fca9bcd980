import { logger } from "./logger.ts";

/** The most messages one `sendBatch` takes. */
const QUEUE_BATCH_LIMIT = 100;
/** The most keys one R2 `delete` takes. */
const R2_DELETE_LIMIT = 1000;

/** `items` in consecutive groups of at most `size`, in order. */
export function inGroups<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

/** Sends every message, as many batches as the queue's limit needs, in order. */
export async function sendInBatches<Body>(queue: Queue<Body>, messages: MessageSendRequest<Body>[]): Promise<void> {
  for (const batch of inGroups(messages, QUEUE_BATCH_LIMIT)) await queue.sendBatch(batch);
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

export interface ObjectToPut {
  key: string;
  body: string;
  contentType: string;
}

/**
 * Puts every object at once, all or nothing: when one put fails, the objects
 * already written are deleted again before the first failure is thrown.
 * `rollBack: false` leaves them for work a queue retries until it succeeds,
 * whose retry writes the same keys and contents again. Returns the keys, for
 * a caller whose later step fails to remove with `deleteAll`.
 */
export async function putAll(bucket: R2Bucket, objects: readonly ObjectToPut[], options: { rollBack?: boolean } = {}): Promise<string[]> {
  const written: string[] = [];
  try {
    await settleAll(
      objects.map(async ({ key, body, contentType }) => {
        await bucket.put(key, body, { httpMetadata: { contentType } });
        written.push(key);
      }),
    );
  } catch (error) {
    if (options.rollBack !== false) {
      await deleteAll(bucket, written).catch((cleanupError: unknown) => {
        logger.error("object_rollback_failed", { objects: written.length, error: cleanupError });
      });
    }
    throw error;
  }
  return objects.map(({ key }) => key);
}

/** Deletes every key, in as many calls as R2's per-call limit needs; deleting a missing key is harmless. */
export async function deleteAll(bucket: R2Bucket, keys: readonly string[]): Promise<void> {
  for (const group of inGroups(keys, R2_DELETE_LIMIT)) await bucket.delete(group);
}
