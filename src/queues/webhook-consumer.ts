import type { Bindings } from "../env.ts";
import { tenantEnvOfProject } from "../db/shards.ts";
import { logger, withLogContext } from "../lib/logger.ts";
import { WebhookQueueMessageSchema, sentBy } from "../schemas/queue-messages.ts";
import { RetryableDeliveryError, attemptDelivery, giveUpDelivery } from "../services/webhooks/deliver.ts";

export const WEBHOOK_QUEUE_NAME = "kivo-webhooks";
export const WEBHOOK_DLQ_NAME = "kivo-webhooks-dlq";

export const isWebhookQueue = (queue: string) => queue === WEBHOOK_QUEUE_NAME || queue === WEBHOOK_DLQ_NAME;

/** 30 s, 1 min, 2 min, … capped at 6 h: with the queue's 12 retries, about a day of attempts. */
export const webhookRetryDelaySeconds = (attempts: number) => Math.min(6 * 60 * 60, 30 * 2 ** Math.max(0, attempts - 1));

/** Deliveries and their dead letters; each message is acked or retried on its own. */
export async function consumeWebhookBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const deadLetters = batch.queue === WEBHOOK_DLQ_NAME;
  for (const message of batch.messages) {
    const parsed = WebhookQueueMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      logger.error("webhook_message_poisoned", { message_id: message.id, queue: batch.queue });
      message.ack();
      continue;
    }
    const { delivery_id: deliveryId, project_id: projectId } = parsed.data;
    await withLogContext({ ...sentBy(parsed.data), delivery_id: deliveryId }, async () => {
      try {
        const tenant = await tenantEnvOfProject(env, projectId);
        if (deadLetters) await giveUpDelivery(tenant, deliveryId, projectId);
        else await attemptDelivery(tenant, deliveryId, projectId);
        message.ack();
      } catch (error) {
        if (!(error instanceof RetryableDeliveryError)) logger.warn("webhook_delivery_error", { error });
        message.retry({ delaySeconds: webhookRetryDelaySeconds(message.attempts) });
      }
    });
  }
}
