import { KivoConnectionError, KivoError, KivoTimeoutError } from "./errors.js";
import type {
  ClaimList,
  ClaimReport,
  CreateReviewRunRequest,
  CreateWebhookEndpointRequest,
  FieldMapping,
  Import,
  ImportResultLine,
  ImportRow,
  IntendedUse,
  ListReviewRunsParams,
  QueuedReviewRun,
  ReportLink,
  ReviewRun,
  ReviewRunList,
  ReviewRunSummary,
  Strictness,
  UpdateWebhookEndpointRequest,
  VerificationResultList,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
} from "./types.js";
import { API_VERSION, KIVO_VERSION, SDK_VERSION } from "./version.js";

export const DEFAULT_BASE_URL = "https://api.trykivo.co";

export interface KivoOptions {
  apiKey: string;
  /** Default `https://api.trykivo.co`; `http://127.0.0.1:8787` for `npm run dev`. */
  baseUrl?: string;
  /** Retries after the first attempt on 429, 5xx and network errors. Default 2. */
  maxRetries?: number;
  /** Per attempt. Default 60 s. */
  timeoutMs?: number;
  /**
   * The longest single wait between attempts. A `Retry-After` longer than this
   * is not waited for: the 429 is thrown at once, so a caller is never parked
   * for minutes without knowing. Default 30 s.
   */
  maxRetryDelayMs?: number;
  /** Replaces the global `fetch` (a test double, an instrumented fetch). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Replaces the timer between retries and polls; tests make it instant. */
  sleep?: (ms: number) => Promise<void>;
  /** Replaces `Math.random` in the backoff jitter; tests make it fixed. */
  random?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CreateOptions extends CallOptions {
  /** Sent as `Idempotency-Key`; one is generated per call when omitted, so the call's own retries never create twice. */
  idempotencyKey?: string;
}

export interface CreateReviewRunOptions extends CreateOptions {
  /** `Prefer: wait=N` (N ≤ 10): Kivo reviews inline and answers the completed run when it can. */
  wait?: number;
}

export interface CreateAndWaitOptions extends CreateOptions {
  /** Seconds Kivo may review inline before answering 202 (`Prefer: wait=N`, N ≤ 10). Default 10. */
  wait?: number;
  /** How long to poll after a 202 before throwing `KivoTimeoutError`. Default 120 s. */
  timeoutMs?: number;
}

interface ImportDefaults {
  /** For rows that do not name their own. */
  intended_use?: IntendedUse;
  strictness?: Strictness;
}

/** Exactly one of `rows` (objects), `jsonl` (the JSON Lines file as text) or `csv` (the CSV file as text, header row first). */
export type CreateImportInput =
  | (ImportDefaults & { rows: ImportRow[]; field_mapping?: FieldMapping })
  | (ImportDefaults & { jsonl: string })
  | (ImportDefaults & { csv: string; field_mapping?: FieldMapping });

export type ClaimReportFormat = "json" | "markdown" | "html";

interface ApiRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined | null>;
  json?: unknown;
  raw?: { body: string; contentType: string };
  headers?: Record<string, string>;
  accept?: "application/json" | "text/markdown" | "text/html" | "application/x-ndjson" | "text/csv";
  /** Whether a 5xx or a lost connection may be retried: the request is a read, or carries an Idempotency-Key. */
  retrySafe: boolean;
  signal?: AbortSignal;
}

const TERMINAL: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);
const BASE_DELAY_MS = 500;

export class Kivo {
  readonly reviewRuns: ReviewRuns;
  readonly imports: Imports;
  readonly webhookEndpoints: WebhookEndpoints;

  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly fetchImpl: (input: string, init: RequestInit) => Promise<Response>;
  readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /**
   * The `Kivo-Bookmark` of the latest answer, sent back with the next request
   * so that reads served by a nearby replica still see this client's own writes.
   */
  bookmark: string | null = null;

  constructor(options: KivoOptions) {
    if (!options.apiKey) throw new TypeError("Kivo: apiKey is required");
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    // Called through a closure: Workers throw "Illegal invocation" when the
    // global fetch is invoked as a method of another object.
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.reviewRuns = new ReviewRuns(this);
    this.imports = new Imports(this);
    this.webhookEndpoints = new WebhookEndpoints(this);
  }

  /** One API call with retries; resolves with the parsed body (JSON, or text for markdown/HTML). */
  async request<T>(request: ApiRequest): Promise<T> {
    const url = new URL(this.baseUrl + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.apiKey}`,
      Accept: request.accept ?? "application/json",
      "Kivo-Version": KIVO_VERSION,
      ...(this.bookmark ? { "Kivo-Bookmark": this.bookmark } : {}),
      ...clientHeaders(),
      ...request.headers,
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(request.json);
    } else if (request.raw) {
      headers["Content-Type"] = request.raw.contentType;
      body = request.raw.body;
    }

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.attempt(url.toString(), { method: request.method, headers, body }, request.signal);
      } catch (error) {
        if (request.signal?.aborted) throw error;
        if (!request.retrySafe || attempt >= this.maxRetries) {
          throw new KivoConnectionError(`${request.method} ${request.path}: ${describe(error)}`, attempt + 1, error);
        }
        await this.sleep(this.backoff(attempt));
        continue;
      }
      this.bookmark = response.headers.get("Kivo-Bookmark") ?? this.bookmark;
      if (response.ok) {
        if (!request.accept || request.accept === "application/json") return (await response.json()) as T;
        // Decoded by hand: workerd warns on .text() for a body whose type is not text/* (JSON Lines).
        return new TextDecoder().decode(await response.arrayBuffer()) as T;
      }
      const retryAfterMs = parseRetryAfter(response.headers.get("Retry-After"));
      const error = await KivoError.fromResponse(response, retryAfterMs === null ? null : retryAfterMs / 1000);
      // A 429 was refused before anything happened, so it is always safe to
      // repeat; a 5xx may have done the work, so only a read or an idempotent create is.
      const retryable = response.status === 429 || (response.status >= 500 && request.retrySafe);
      if (!retryable || attempt >= this.maxRetries) throw error;
      const delay = retryAfterMs ?? this.backoff(attempt);
      if (delay > this.maxRetryDelayMs) throw error;
      await this.sleep(delay);
    }
  }

  private async attempt(url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    const forward = () => controller.abort(signal?.reason);
    if (signal?.aborted) forward();
    signal?.addEventListener("abort", forward, { once: true });
    try {
      const response = await this.fetchImpl(url, { ...init, signal: controller.signal });
      // The body is read inside the timeout too: a server that sends headers and then stalls is a failed attempt.
      const buffered = await response.arrayBuffer();
      return new Response(buffered.byteLength > 0 ? buffered : null, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forward);
    }
  }

  /** Exponential from 0.5 s, capped, with jitter in [½, 1] of the step so a crowd of clients spreads out. */
  private backoff(attempt: number): number {
    const step = Math.min(this.maxRetryDelayMs, BASE_DELAY_MS * 2 ** attempt);
    return Math.round(step * (0.5 + this.random() / 2));
  }
}

class ReviewRuns {
  private readonly client: Kivo;

  constructor(client: Kivo) {
    this.client = client;
  }

  /** `POST /v1/review-runs`: 200 with the completed run when `wait` was honoured, otherwise 202 with the queued run. */
  create(body: CreateReviewRunRequest, options: CreateReviewRunOptions = {}): Promise<ReviewRun | QueuedReviewRun> {
    return this.client.request({
      method: "POST",
      path: "/v1/review-runs",
      json: body,
      headers: {
        "Idempotency-Key": options.idempotencyKey ?? newIdempotencyKey(),
        ...(options.wait === undefined ? {} : { Prefer: `wait=${options.wait}` }),
      },
      retrySafe: true,
      signal: options.signal,
    });
  }

  /**
   * Creates the run and resolves once it is `completed`, `failed` or
   * `cancelled`: Kivo first tries inline (`Prefer: wait`), and a run still
   * queued is polled at the interval Kivo recommends. A failed run resolves
   * too; check `status`.
   */
  async createAndWait(body: CreateReviewRunRequest, options: CreateAndWaitOptions = {}): Promise<ReviewRun> {
    const created = await this.create(body, { ...options, wait: options.wait ?? 10 });
    if (!("queued" in created)) return created;
    const id = created.review_run.id;
    const intervalMs = Math.max(1, created.queued.recommended_poll_interval_seconds) * 1000;
    const timeoutMs = options.timeoutMs ?? 120_000;
    let waited = 0;
    let status: string = created.review_run.status;
    while (waited < timeoutMs) {
      await this.client.sleep(intervalMs);
      waited += intervalMs;
      const run = await this.get(id, options);
      if (TERMINAL.has(run.status)) return run;
      status = run.status;
    }
    throw new KivoTimeoutError(id, status, waited);
  }

  get(reviewRunId: string, options: CallOptions = {}): Promise<ReviewRun> {
    return this.read(`/v1/review-runs/${encodeURIComponent(reviewRunId)}`, options);
  }

  /** The run's claims, each with its verification result; `409 artifact_not_hosted` for Enterprise Worker runs. */
  claims(reviewRunId: string, options: CallOptions = {}): Promise<ClaimList> {
    return this.read(`/v1/review-runs/${encodeURIComponent(reviewRunId)}/claims`, options);
  }

  verificationResults(reviewRunId: string, options: CallOptions = {}): Promise<VerificationResultList> {
    return this.read(`/v1/review-runs/${encodeURIComponent(reviewRunId)}/verification-results`, options);
  }

  /** The claim report: the JSON object, or the markdown text, or the self-contained reviewer page as HTML text. */
  claimReport(reviewRunId: string, options?: CallOptions & { format?: "json" }): Promise<ClaimReport>;
  claimReport(reviewRunId: string, options: CallOptions & { format: "markdown" | "html" }): Promise<string>;
  claimReport(reviewRunId: string, options: CallOptions & { format?: ClaimReportFormat } = {}): Promise<ClaimReport | string> {
    const format = options.format ?? "json";
    return this.client.request({
      method: "GET",
      path: `/v1/review-runs/${encodeURIComponent(reviewRunId)}/claim-report`,
      query: { format },
      accept: format === "json" ? "application/json" : format === "markdown" ? "text/markdown" : "text/html",
      retrySafe: true,
      signal: options.signal,
    });
  }

  /** One page of `GET /v1/review-runs`, newest first. */
  page(params: ListReviewRunsParams & { cursor?: string } = {}, options: CallOptions = {}): Promise<ReviewRunList> {
    return this.client.request({ method: "GET", path: "/v1/review-runs", query: { ...params }, retrySafe: true, signal: options.signal });
  }

  /** Every run matching the filters, newest first, fetching the next page only when the previous one is used up. */
  async *list(params: ListReviewRunsParams = {}, options: CallOptions = {}): AsyncGenerator<ReviewRunSummary, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.page({ ...params, ...(cursor ? { cursor } : {}) }, options);
      yield* page.items;
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);
  }

  /** `POST …/cancel`: only a queued run can be cancelled (`409 run_not_cancellable` otherwise). */
  cancel(reviewRunId: string, options: CallOptions = {}): Promise<ReviewRunSummary & { request_id: string }> {
    return this.client.request({
      method: "POST",
      path: `/v1/review-runs/${encodeURIComponent(reviewRunId)}/cancel`,
      // Not repeated after a 5xx: the first attempt may have cancelled, and a repeat would then report 409.
      retrySafe: false,
      signal: options.signal,
    });
  }

  /**
   * `DELETE /v1/review-runs/{reviewRunId}`: the run, its results, source
   * contents and report links are gone for good, in any status. Not repeated
   * after a 5xx: the first attempt may have deleted, and a repeat would then
   * answer 404.
   */
  delete(reviewRunId: string, options: CallOptions = {}): Promise<{ id: string; deleted: true; request_id: string }> {
    return this.client.request({ method: "DELETE", path: `/v1/review-runs/${encodeURIComponent(reviewRunId)}`, retrySafe: false, signal: options.signal });
  }

  /** A link that opens the HTML report without an API key, valid for `expiresInSeconds` (60 s–7 days, default 1 day). */
  createReportLink(reviewRunId: string, options: CallOptions & { expiresInSeconds?: number } = {}): Promise<ReportLink> {
    return this.client.request({
      method: "POST",
      path: `/v1/review-runs/${encodeURIComponent(reviewRunId)}/report-links`,
      json: options.expiresInSeconds === undefined ? {} : { expires_in_seconds: options.expiresInSeconds },
      // A second link from a repeated attempt is harmless: links are not stored.
      retrySafe: true,
      signal: options.signal,
    });
  }

  private read<T>(path: string, options: CallOptions): Promise<T> {
    return this.client.request({ method: "GET", path, retrySafe: true, signal: options.signal });
  }
}

class Imports {
  private readonly client: Kivo;

  constructor(client: Kivo) {
    this.client = client;
  }

  /**
   * `POST /v1/imports`. Rows go as JSON; a JSONL or CSV file goes as itself,
   * with the defaults in the query string as the API expects for raw bodies.
   * Up to 100 accepted rows answer `completed` with every run; larger imports
   * answer `queued` (poll `get`).
   */
  create(input: CreateImportInput, options: CreateOptions = {}): Promise<Import> {
    const headers = { "Idempotency-Key": options.idempotencyKey ?? newIdempotencyKey() };
    const defaults = { intended_use: input.intended_use, strictness: input.strictness };
    if ("rows" in input) {
      return this.client.request({
        method: "POST",
        path: "/v1/imports",
        json: { media_type: "application/json", rows: input.rows, ...defaults, field_mapping: input.field_mapping },
        headers,
        retrySafe: true,
        signal: options.signal,
      });
    }
    const csv = "csv" in input;
    return this.client.request({
      method: "POST",
      path: "/v1/imports",
      query: {
        ...defaults,
        field_mapping: csv && input.field_mapping ? JSON.stringify(input.field_mapping) : undefined,
      },
      raw: csv ? { body: input.csv, contentType: "text/csv" } : { body: input.jsonl, contentType: "application/x-ndjson" },
      headers,
      retrySafe: true,
      signal: options.signal,
    });
  }

  get(importId: string, options: CallOptions = {}): Promise<Import> {
    return this.client.request({ method: "GET", path: `/v1/imports/${encodeURIComponent(importId)}`, retrySafe: true, signal: options.signal });
  }

  /**
   * `DELETE /v1/imports/{importId}`: the import and every run it created.
   * An import still creating runs answers `409 import_not_deletable` (cancel
   * it first). Not repeated after a 5xx, which may already have deleted it.
   */
  delete(importId: string, options: CallOptions = {}): Promise<{ id: string; deleted: true; deleted_review_run_count: number; request_id: string }> {
    return this.client.request({ method: "DELETE", path: `/v1/imports/${encodeURIComponent(importId)}`, retrySafe: false, signal: options.signal });
  }

  /**
   * `GET /v1/imports/{importId}/results`: one line per row, in row order, with
   * its run, status and verdict (a rejected row with its error); `external_id`
   * joins each back to your data. Read it again as runs finish. `fromRow`
   * resumes from a row (from 1).
   */
  async *results(importId: string, params: { fromRow?: number } = {}, options: CallOptions = {}): AsyncGenerator<ImportResultLine, void, undefined> {
    const text = await this.resultsFile(importId, "jsonl", params, options);
    for (const line of text.split("\n")) if (line.trim() !== "") yield JSON.parse(line) as ImportResultLine;
  }

  /** The same results as CSV text (RFC 4180, with a header row), ready for a spreadsheet. */
  resultsCsv(importId: string, params: { fromRow?: number } = {}, options: CallOptions = {}): Promise<string> {
    return this.resultsFile(importId, "csv", params, options);
  }

  private resultsFile(importId: string, format: "jsonl" | "csv", params: { fromRow?: number }, options: CallOptions): Promise<string> {
    return this.client.request<string>({
      method: "GET",
      path: `/v1/imports/${encodeURIComponent(importId)}/results`,
      query: { format, from_row: params.fromRow },
      accept: format === "csv" ? "text/csv" : "application/x-ndjson",
      retrySafe: true,
      signal: options.signal,
    });
  }
}

/** `/v1/webhook-endpoints` (scope `webhooks:write`): where Kivo sends events, and what it delivered. */
class WebhookEndpoints {
  private readonly client: Kivo;

  constructor(client: Kivo) {
    this.client = client;
  }

  /**
   * Registers an HTTPS endpoint for the given event types. The answer holds
   * the signing `secret` (`whsec_…`), shown only here: keep it for
   * `verifyWebhookSignature`. Not repeated after a 5xx, which may have created it.
   */
  create(input: CreateWebhookEndpointRequest, options: CallOptions = {}): Promise<WebhookEndpointWithSecret> {
    return this.client.request({ method: "POST", path: "/v1/webhook-endpoints", json: input, retrySafe: false, signal: options.signal });
  }

  /** The project's endpoints (at most 20), never their secrets. */
  list(options: CallOptions = {}): Promise<WebhookEndpointList> {
    return this.client.request({ method: "GET", path: "/v1/webhook-endpoints", retrySafe: true, signal: options.signal });
  }

  get(endpointId: string, options: CallOptions = {}): Promise<WebhookEndpoint & { request_id: string }> {
    return this.client.request({ method: "GET", path: endpointPath(endpointId), retrySafe: true, signal: options.signal });
  }

  /** Changes only the fields given; the same change twice leaves the same endpoint, so it is retried. */
  update(endpointId: string, changes: UpdateWebhookEndpointRequest, options: CallOptions = {}): Promise<WebhookEndpoint & { request_id: string }> {
    return this.client.request({ method: "PATCH", path: endpointPath(endpointId), json: changes, retrySafe: true, signal: options.signal });
  }

  /** No further events; pending deliveries fail on their next attempt. Not repeated after a 5xx (a repeat would answer 404). */
  delete(endpointId: string, options: CallOptions = {}): Promise<{ id: string; deleted: true; request_id: string }> {
    return this.client.request({ method: "DELETE", path: endpointPath(endpointId), retrySafe: false, signal: options.signal });
  }

  /**
   * A new signing secret, shown once; the old one keeps signing alongside it
   * for `previousSecretValidForSeconds` (default a day, 0 ends it now). Not
   * repeated after a 5xx: a second rotation would retire the secret just issued.
   */
  rotateSecret(endpointId: string, options: CallOptions & { previousSecretValidForSeconds?: number } = {}): Promise<WebhookEndpointWithSecret> {
    const json = options.previousSecretValidForSeconds === undefined ? {} : { previous_secret_valid_for_seconds: options.previousSecretValidForSeconds };
    return this.client.request({ method: "POST", path: `${endpointPath(endpointId)}/rotate-secret`, json, retrySafe: false, signal: options.signal });
  }

  /** One page of the endpoint's deliveries, newest first. */
  deliveriesPage(endpointId: string, params: { limit?: number; cursor?: string } = {}, options: CallOptions = {}): Promise<WebhookDeliveryList> {
    return this.client.request({ method: "GET", path: `${endpointPath(endpointId)}/deliveries`, query: { ...params }, retrySafe: true, signal: options.signal });
  }

  /** Every delivery to the endpoint, newest first: status, attempts and the last answer. */
  async *deliveries(endpointId: string, params: { limit?: number } = {}, options: CallOptions = {}): AsyncGenerator<WebhookDelivery, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.deliveriesPage(endpointId, { ...params, ...(cursor ? { cursor } : {}) }, options);
      yield* page.items;
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);
  }

  /** Sends the delivery's event again as a new, freshly signed delivery. Not repeated after a 5xx, which may have queued it. */
  resendDelivery(endpointId: string, deliveryId: string, options: CallOptions = {}): Promise<WebhookDelivery & { request_id: string }> {
    return this.client.request({
      method: "POST",
      path: `${endpointPath(endpointId)}/deliveries/${encodeURIComponent(deliveryId)}/resend`,
      retrySafe: false,
      signal: options.signal,
    });
  }
}

function endpointPath(endpointId: string): string {
  return `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}`;
}

/** Seconds (`Retry-After: 3`) or an HTTP date, as milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function newIdempotencyKey(): string {
  const webCrypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (webCrypto?.randomUUID) return webCrypto.randomUUID();
  // Node 18 has no global `crypto` unless started with --experimental-global-webcrypto.
  // A key only has to be unique to this project within 24 h, not secret.
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function clientHeaders(): Record<string, string> {
  const id = `kivo-typescript/${SDK_VERSION} (api ${API_VERSION})`;
  // In a browser a non-safelisted header triggers a CORS preflight that Kivo's
  // allow-list does not cover, so only server runtimes identify themselves.
  return "document" in globalThis ? {} : { "User-Agent": id };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
