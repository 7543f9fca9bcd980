import type { Bindings } from "../env.ts";
import { writableTenantEnvOfProject } from "../services/tenancy/shard-move.ts";
import { logger } from "../lib/logger.ts";
import { type WebhookQueueMessage, WebhookQueueMessageSchema, sentBy } from "../schemas/queue-messages.ts";
import { RetryableDeliveryError, attemptDelivery, giveUpDelivery } from "../services/webhooks/deliver.ts";
import { consumeMessages } from "./consume.ts";

export const WEBHOOK_QUEUE_NAME = "kivo-webhooks";
export const WEBHOOK_DLQ_NAME = "kivo-webhooks-dlq";

export const isWebhookQueue = (queue: string) => queue === WEBHOOK_QUEUE_NAME || queue === WEBHOOK_DLQ_NAME;

/** 30 s, 1 min, 2 min, … capped at 6 h: with the queue's 12 retries, about a day of attempts. */
export const webhookRetryDelaySeconds = (attempts: number) => Math.min(6 * 60 * 60, 30 * 2 ** Math.max(0, attempts - 1));

/** Deliveries and their dead letters; a delivery is retried until the queue gives up on it. */
export async function consumeWebhookBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const deadLetters = batch.queue === WEBHOOK_DLQ_NAME;
  await consumeMessages(batch, {
    schema: WebhookQueueMessageSchema,
    poisonedEvent: "webhook_message_poisoned",
    logContext: (message) => ({ ...sentBy(message), delivery_id: message.delivery_id }),
    process: async ({ delivery_id: deliveryId, project_id: projectId }) => {
      const tenant = await writableTenantEnvOfProject(env, projectId);
      if (deadLetters) await giveUpDelivery(tenant, deliveryId, projectId);
      else await attemptDelivery(tenant, deliveryId, projectId);
    },
    ...(deadLetters ? {} : { defer: (message: WebhookQueueMessage, delaySeconds: number) => env.WEBHOOK_QUEUE.send(message, { contentType: "json", delaySeconds }) }),
    retryDelaySeconds: (_message, attempts, error) => {
      if (!(error instanceof RetryableDeliveryError)) logger.warn("webhook_delivery_error", { error });
      return webhookRetryDelaySeconds(attempts);
    },
  });
}
