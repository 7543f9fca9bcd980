import { ulid } from "ulid";

export const newRequestId = (): string => `req_${ulid().toLowerCase()}`;
export const newReviewRunId = (): string => `run_${crypto.randomUUID()}`;
export const newImportId = (): string => `import_${ulid().toLowerCase()}`;
/** `<prefix>_<ulid, lowercase>`: sortable IDs for webhook endpoints, events and deliveries. */
export const newUlidId = (prefix: string): string => `${prefix}_${ulid().toLowerCase()}`;
export const newReportLinkId = (): string => `rlink_${ulid().toLowerCase()}`;
export const REPORT_LINK_ID_PATTERN = /^rlink_[0-9a-z]{26}$/;
export const newUuid = (): string => crypto.randomUUID();

export const REVIEW_RUN_ID_PATTERN = /^run_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Child artifacts derive their IDs from the run. */
export const sourceIdFor = (runId: string, n: number): string => `${runId}_source_${n}`;

export const isoNow = (date: Date = new Date()): string => date.toISOString();
