/**
 * The batch as the consumers expect it: named by its base queue. A deployed
 * environment suffixes its queue names (`kivo-imports-staging`, wrangler.toml),
 * because queue names are unique per account; `KIVO_QUEUE_SUFFIX` says which
 * suffix, and the handler dispatches on the name without it.
 */
export function withBaseQueueName<Body>(batch: MessageBatch<Body>, suffix: string | undefined): MessageBatch<Body> {
  if (!suffix || !batch.queue.endsWith(suffix)) return batch;
  return {
    queue: batch.queue.slice(0, -suffix.length),
    messages: batch.messages,
    metadata: batch.metadata,
    ackAll: () => batch.ackAll(),
    retryAll: (options) => batch.retryAll(options),
  };
}
