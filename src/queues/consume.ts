import type { z } from "zod";
import { type LogFields, logger, withLogContext } from "../lib/logger.ts";
import { DeferredWork } from "../lib/deferred-work.ts";
import { PermanentFailure } from "../lib/permanent-failure.ts";

/**
 * What a queue's consumer does with one message; `consumeMessages` runs the
 * loop every queue shares: parse the body by the queue's schema, ack a
 * poisoned one (retrying cannot fix it), run the work under the message's
 * log context, ack on success, record a PermanentFailure and ack, and retry
 * anything else with the queue's backoff.
 */
export interface QueueConsumer<Body> {
  schema: z.ZodType<Body>;
  /** The event logged for a body that fits no schema. */
  poisonedEvent: string;
  /** Fields every log line about the message carries. */
  logContext: (body: Body) => LogFields;
  /** The work; `attempts` counts this delivery (1 on the first). */
  process: (body: Body, attempts: number) => Promise<void>;
  /** Records a failure that retrying cannot fix on the work itself; without it such a failure is retried too. */
  failPermanently?: (body: Body, failure: PermanentFailure) => Promise<void>;
  /** Logs a failed attempt and says how long to wait before the next (undefined: the queue's own delay). */
  retryDelaySeconds: (body: Body, attempts: number, error: unknown) => number | undefined;
  /**
   * Sends the message again to run after `delaySeconds` (DeferredWork): a wait
   * that is nobody's failure does not spend the delivery's retries. Without
   * it the delivery is retried after that delay instead.
   */
  defer?: (body: Body, delaySeconds: number) => Promise<unknown>;
  /**
   * Messages of one batch worked on at once. Work that mostly waits on D1 and
   * R2 gets through more per invocation overlapped; the bound keeps a batch
   * well inside a Worker's memory.
   */
  concurrency?: number;
}

/** Acks or retries each message on its own, so one bad message never holds back the batch. */
export async function consumeMessages<Body>(batch: MessageBatch<unknown>, consumer: QueueConsumer<Body>): Promise<void> {
  const pending = [...batch.messages];
  const worker = async () => {
    for (let message = pending.shift(); message; message = pending.shift()) await consumeMessage(batch.queue, message, consumer);
  };
  await Promise.all(Array.from({ length: Math.min(consumer.concurrency ?? 1, pending.length) }, worker));
}

async function consumeMessage<Body>(queue: string, message: Message<unknown>, consumer: QueueConsumer<Body>): Promise<void> {
  const parsed = consumer.schema.safeParse(message.body);
  if (!parsed.success) {
    logger.error(consumer.poisonedEvent, { message_id: message.id, queue });
    message.ack();
    return;
  }
  const body = parsed.data;
  await withLogContext(consumer.logContext(body), async () => {
    try {
      await consumer.process(body, message.attempts);
      message.ack();
    } catch (error) {
      if (error instanceof DeferredWork) {
        logger.info("queue_message_deferred", { reason: error.message, delay_seconds: error.delaySeconds });
        if (consumer.defer) {
          await consumer.defer(body, error.delaySeconds);
          message.ack();
        } else message.retry({ delaySeconds: error.delaySeconds });
        return;
      }
      if (error instanceof PermanentFailure && consumer.failPermanently) {
        await consumer.failPermanently(body, error);
        message.ack();
        return;
      }
      const delaySeconds = consumer.retryDelaySeconds(body, message.attempts, error);
      if (delaySeconds === undefined) message.retry();
      else message.retry({ delaySeconds });
    }
  });
}
