import type { ErrorCode, ErrorDetail } from "./types.js";

/** An answer from Kivo that was not a success, with the fields of its error envelope. */
export class KivoError extends Error {
  override readonly name = "KivoError";
  /** Kivo's error code (`validation_error`, `rate_limited`, …); `http_<status>` when the body was not Kivo's envelope (a proxy's page, say). */
  readonly code: ErrorCode | `http_${number}`;
  readonly status: number;
  /** Quote it to support: it names this request in Kivo's logs. */
  readonly requestId: string | null;
  readonly details: ErrorDetail[];
  /** The code's entry in Kivo's error catalogue (meaning and fix); null when the body was not Kivo's envelope. */
  readonly docUrl: string | null;
  /** Seconds from `Retry-After`, when the answer had one. */
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: ErrorCode | `http_${number}`;
    message: string;
    requestId: string | null;
    details?: ErrorDetail[];
    docUrl?: string | null;
    retryAfterSeconds?: number | null;
  }) {
    super(`${init.code}: ${init.message} (HTTP ${init.status}${init.requestId ? `, request ${init.requestId}` : ""})`);
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details ?? [];
    this.docUrl = init.docUrl ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  static async fromResponse(response: Response, retryAfterSeconds: number | null): Promise<KivoError> {
    const text = await response.text().catch(() => "");
    let envelope: { error?: { code?: unknown; message?: unknown; details?: unknown; doc_url?: unknown }; request_id?: unknown } | null = null;
    try {
      envelope = JSON.parse(text);
    } catch {
      envelope = null;
    }
    const error = envelope?.error;
    const code = typeof error?.code === "string" ? (error.code as ErrorCode) : (`http_${response.status}` as const);
    const message = typeof error?.message === "string" ? error.message : text.slice(0, 200) || response.statusText || "no body";
    const requestId = typeof envelope?.request_id === "string" ? envelope.request_id : response.headers.get("X-Request-Id");
    return new KivoError({
      status: response.status,
      code,
      message,
      requestId,
      details: Array.isArray(error?.details) ? (error.details as ErrorDetail[]) : [],
      docUrl: typeof error?.doc_url === "string" ? error.doc_url : null,
      retryAfterSeconds,
    });
  }
}

/** Kivo could not be reached (DNS, refused connection, reset, per-attempt timeout) on every attempt. */
export class KivoConnectionError extends Error {
  override readonly name = "KivoConnectionError";
  readonly attempts: number;

  constructor(message: string, attempts: number, cause: unknown) {
    super(message, { cause });
    this.attempts = attempts;
  }
}

/** `createAndWait` gave up polling; the run goes on, and `get(reviewRunId)` reads it later. */
export class KivoTimeoutError extends Error {
  override readonly name = "KivoTimeoutError";
  readonly reviewRunId: string;
  readonly lastStatus: string;

  constructor(reviewRunId: string, lastStatus: string, waitedMs: number) {
    super(`review run ${reviewRunId} is still ${lastStatus} after ${Math.round(waitedMs / 1000)} s`);
    this.reviewRunId = reviewRunId;
    this.lastStatus = lastStatus;
  }
}
