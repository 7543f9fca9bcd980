import type { components, operations } from "./schema.js";

type Schemas = components["schemas"];

export type ReviewRun = Schemas["ReviewRun"];
export type ReviewRunSummary = Schemas["ReviewRunSummary"];
export type QueuedReviewRun = Schemas["QueuedReviewRun"];
export type CreateReviewRunRequest = Schemas["CreateReviewRunRequest"];
export type ReviewRunList = Schemas["ReviewRunList"];
export type Claim = Schemas["Claim"];
export type ClaimList = Schemas["ClaimList"];
export type VerificationResult = Schemas["VerificationResult"];
export type VerificationResultList = Schemas["VerificationResultList"];
export type ClaimReport = Schemas["ClaimReportResponse"];
export type ReportLink = Schemas["ReportLink"];
export type Import = Schemas["Import"];
export type ImportRow = Schemas["ImportRow"];
export type ImportResultLine = Schemas["ImportResultLine"];
export type FieldMapping = Schemas["FieldMapping"];
export type SourceInput = Schemas["SourceInput"];
export type IntendedUse = Schemas["IntendedUse"];
export type Strictness = Schemas["Strictness"];
export type RunStatus = Schemas["RunStatus"];
export type SafeUseStatus = Schemas["SafeUseStatus"];
export type SupportStatus = Schemas["SupportStatus"];
export type WebhookEndpoint = Schemas["WebhookEndpoint"];
export type WebhookEndpointWithSecret = Schemas["WebhookEndpointWithSecret"];
export type WebhookEndpointList = Schemas["WebhookEndpointList"];
export type CreateWebhookEndpointRequest = Schemas["CreateWebhookEndpointRequest"];
export type UpdateWebhookEndpointRequest = Schemas["UpdateWebhookEndpointRequest"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
export type WebhookDeliveryList = Schemas["WebhookDeliveryList"];
export type ErrorBody = Schemas["Error"];
export type ErrorCode = ErrorBody["error"]["code"];
export type ErrorDetail = Schemas["ErrorDetail"];

/** The filters of `GET /v1/review-runs`, except the cursor the iterator follows itself. */
export type ListReviewRunsParams = Omit<NonNullable<operations["listReviewRuns"]["parameters"]["query"]>, "cursor">;
