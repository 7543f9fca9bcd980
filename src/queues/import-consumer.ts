import type { Bindings } from "../env.ts";
import { writableTenantEnvOfProject } from "../services/tenancy/shard-move.ts";
import { failImport, processImportChunk } from "../services/imports/chunks.ts";
import { logger } from "../lib/logger.ts";
import { type ImportQueueMessage, ImportQueueMessageSchema, sentBy } from "../schemas/queue-messages.ts";
import { consumeMessages } from "./consume.ts";
import { retryDelaySeconds } from "./review-consumer.ts";

export const IMPORT_QUEUE_NAME = "kivo-imports";
export const IMPORT_DLQ_NAME = "kivo-imports-dlq";

export const isImportQueue = (queue: string) => queue === IMPORT_QUEUE_NAME || queue === IMPORT_DLQ_NAME;

const CHUNK_FAILED_MESSAGE =
  "Some of the import's runs could not be created after several attempts; the runs listed in review_run_ids were created. Import the remaining rows again.";

/** Import chunks and their dead letters; a chunk that can never succeed fails the import at once. */
export async function consumeImportBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const deadLetters = batch.queue === IMPORT_DLQ_NAME;
  await consumeMessages(batch, {
    schema: ImportQueueMessageSchema,
    poisonedEvent: "import_message_poisoned",
    logContext: (chunk) => ({ ...sentBy(chunk), import_id: chunk.import_id }),
    process: async (chunk) => {
      const tenant = await writableTenantEnvOfProject(env, chunk.project_id);
      if (deadLetters) await failImport(tenant, chunk, "processing_failed", CHUNK_FAILED_MESSAGE);
      else await processImportChunk(tenant, chunk);
    },
    failPermanently: async (chunk, failure) => {
      await failImport(await writableTenantEnvOfProject(env, chunk.project_id), chunk, failure.code, failure.message);
    },
    // A dead letter deferred goes back to the dead-letter queue's own retry, with the delay.
    ...(deadLetters ? {} : { defer: (chunk: ImportQueueMessage, delaySeconds: number) => env.IMPORT_QUEUE.send(chunk, { contentType: "json", delaySeconds }) }),
    retryDelaySeconds: (chunk, attempts, error) => {
      logger.warn("import_message_retry", { chunk: chunk.chunk, attempts, error });
      return retryDelaySeconds(attempts);
    },
  });
}
