import type { Bindings } from "../env.ts";
import { tenantEnvOfProject } from "../db/shards.ts";
import { PermanentImportError, failImport, processImportChunk } from "../services/imports/chunks.ts";
import { logger, withLogContext } from "../lib/logger.ts";
import { ImportQueueMessageSchema, sentBy } from "../schemas/queue-messages.ts";
import { retryDelaySeconds } from "./review-consumer.ts";

export const IMPORT_QUEUE_NAME = "kivo-imports";
export const IMPORT_DLQ_NAME = "kivo-imports-dlq";

export const isImportQueue = (queue: string) => queue === IMPORT_QUEUE_NAME || queue === IMPORT_DLQ_NAME;

const CHUNK_FAILED_MESSAGE =
  "Some of the import's runs could not be created after several attempts; the runs listed in review_run_ids were created. Import the remaining rows again.";

/** Import chunks and their dead letters; each message is acked or retried on its own. */
export async function consumeImportBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const deadLetters = batch.queue === IMPORT_DLQ_NAME;
  for (const message of batch.messages) {
    const parsed = ImportQueueMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      logger.error("import_message_poisoned", { message_id: message.id, queue: batch.queue });
      message.ack();
      continue;
    }
    const chunk = parsed.data;
    await withLogContext({ ...sentBy(chunk), import_id: chunk.import_id }, async () => {
      try {
        const tenant = await tenantEnvOfProject(env, chunk.project_id);
        if (deadLetters) await failImport(tenant, chunk, "processing_failed", CHUNK_FAILED_MESSAGE);
        else await processImportChunk(tenant, chunk);
        message.ack();
      } catch (error) {
        if (error instanceof PermanentImportError) {
          await failImport(await tenantEnvOfProject(env, chunk.project_id), chunk, error.code, error.message);
          message.ack();
          return;
        }
        logger.warn("import_message_retry", { chunk: chunk.chunk, attempts: message.attempts, error });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    });
  }
}
