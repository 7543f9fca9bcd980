import { CliError } from "./errors.ts";

// A small client for the two calls the worker makes. Both are safe to retry
// with the same body: the server answers a repeated event_id with its first
// result, and a create carries an Idempotency-Key, so network errors, 429 and
// 5xx are retried.

const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000];
const REQUEST_TIMEOUT_MS = 15_000;

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: { path?: string; message?: string }[] };
  request_id?: string;
}

export class KivoRequestError extends CliError {
  readonly status: number;
  readonly code: string | undefined;

  constructor(what: string, status: number, body: ApiErrorBody | null) {
    const code = body?.error?.code;
    const details = (body?.error?.details ?? []).map((d) => `\n  ${d.path ?? "(root)"}: ${d.message ?? ""}`).join("");
    const request = body?.request_id ? ` [request ${body.request_id}]` : "";
    super(`${what} was refused: ${status} ${code ?? "error"}: ${body?.error?.message ?? "no error body"}${request}${details}`);
    this.status = status;
    this.code = code;
  }
}

export interface CreatedRun {
  review_run: { id: string; status: string };
  /** Null only when a retried create finds the run already finished or revoked. */
  worker_credential: { token: string; credential_id: string; expires_at: string; events_url: string } | null;
}

export interface EventResult {
  review_run_id: string;
  event_id: string;
  status: string;
  replayed: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryDelay(response: Response | null, attempt: number): number {
  const retryAfter = Number(response?.headers.get("Retry-After"));
  return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : RETRY_DELAYS_MS[attempt]!;
}

export class KivoClient {
  private readonly apiBase: string;

  constructor(apiBase: string) {
    let url: URL;
    try {
      url = new URL(apiBase);
    } catch {
      throw new CliError("the API base URL is not a valid URL", 2);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new CliError("the API base URL must be http(s)", 2);
    this.apiBase = url.toString().replace(/\/+$/, "");
  }

  createRun(apiKey: string, body: Record<string, unknown>, idempotencyKey: string): Promise<CreatedRun> {
    return this.post<CreatedRun>("creating the run", "/v1/private-worker/review-runs", apiKey, body, { "Idempotency-Key": idempotencyKey });
  }

  sendEvent(runId: string, credential: string, event: Record<string, unknown>): Promise<EventResult> {
    return this.post<EventResult>(
      `the ${String(event.event_type)} event`,
      `/v1/private-worker/review-runs/${encodeURIComponent(runId)}/events`,
      credential,
      event,
    );
  }

  private async post<T>(
    what: string,
    path: string,
    bearer: string,
    body: Record<string, unknown>,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const payload = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      let response: Response | null = null;
      try {
        response = await fetch(`${this.apiBase}${path}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", Accept: "application/json", ...extraHeaders },
          body: payload,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        if (attempt >= RETRY_DELAYS_MS.length) {
          // The fetch error's message is about the connection, but its cause can carry
          // the URL; the name and code say enough.
          const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
          const code = cause?.code ?? cause?.errors?.[0]?.code;
          throw new CliError(`${what} could not reach Kivo (${(error as Error).name}${code ? `: ${code}` : ""})`);
        }
        await sleep(retryDelay(null, attempt));
        continue;
      }
      if (response.ok) return (await response.json()) as T;
      if ((response.status === 429 || response.status >= 500) && attempt < RETRY_DELAYS_MS.length) {
        await response.body?.cancel();
        await sleep(retryDelay(response, attempt));
        continue;
      }
      const errorBody = (await response.json().catch(() => null)) as ApiErrorBody | null;
      throw new KivoRequestError(what, response.status, errorBody);
    }
  }
}
