export { Kivo, DEFAULT_BASE_URL, parseRetryAfter } from "./client.js";
export type {
  CallOptions,
  ClaimReportFormat,
  CreateAndWaitOptions,
  CreateImportInput,
  CreateOptions,
  CreateReviewRunOptions,
  KivoOptions,
} from "./client.js";
export { KivoConnectionError, KivoError, KivoTimeoutError } from "./errors.js";
export { API_VERSION, KIVO_VERSION, SDK_VERSION } from "./version.js";
export type * from "./types.js";
export type { components, operations, paths } from "./schema.js";
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  KivoWebhookSignatureError,
  WEBHOOK_SIGNATURE_HEADER,
  constructWebhookEvent,
  verifyWebhookSignature,
} from "./webhooks.js";
export type { VerifyWebhookOptions } from "./webhooks.js";
