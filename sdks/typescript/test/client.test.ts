import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { type IncomingHttpHeaders, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { API_VERSION, KIVO_VERSION, Kivo, KivoConnectionError, KivoError, KivoTimeoutError, SDK_VERSION } from "../src/index.ts";

// The SDK against a stand-in Kivo on loopback (node:http): each test scripts
// the answers, the server records what arrived, and sleeps are recorded
// instead of waited, so retry timing is asserted exactly and costs nothing.

const sdkRoot = new URL("..", import.meta.url).pathname;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = (res: ServerResponse, seen: Seen) => void;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => (res) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
};
const kivoError = (status: number, code: string, headers: Record<string, string> = {}): Answer =>
  json(status, { error: { code, message: `${code} happened` }, request_id: `req_${code}` }, { "X-Request-Id": `req_${code}`, ...headers });
const dropConnection: Answer = (res) => res.socket?.destroy();
const neverAnswer: Answer = () => {};

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function standIn(answers: Answer[]) {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const record = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
    seen.push(record);
    const answer = answers.shift();
    if (answer) answer(res, record);
    else res.writeHead(599).end("the test scripted no more answers");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  });
  const sleeps: number[] = [];
  const client = (options: Partial<ConstructorParameters<typeof Kivo>[0]> = {}) =>
    new Kivo({
      apiKey: "kivo_test_standin",
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      ...options,
    });
  return { seen, sleeps, client };
}

const run = (status: string, extra: Record<string, unknown> = {}) => ({ id: "run_1", status, request_id: "req_run", ...extra });
const body = { ai_output: "Refunds within 60 days.", sources: [{ title: "Policy", content: "Refunds within 30 days." }], intended_use: "customer_facing" as const };

describe("retries", () => {
  it("repeats a create after a 503 with the same Idempotency-Key, after a jittered backoff", async () => {
    const { seen, sleeps, client } = await standIn([kivoError(503, "service_unavailable"), json(200, run("completed"))]);
    const created = await client().reviewRuns.create(body);
    expect(created).toMatchObject({ id: "run_1", status: "completed" });
    expect(seen).toHaveLength(2);
    const keys = seen.map((request) => request.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(JSON.parse(seen[1]!.body)).toEqual(body);
    // 0.5 s step, jitter factor 0.5 + 0.5/2.
    expect(sleeps).toEqual([375]);
  });

  it("sends the bookmark of each answer with the next request, so reads see the client's own writes", async () => {
    const { seen, client } = await standIn([
      json(202, {}, { "Kivo-Bookmark": "00000001-00000002-00000003-aa" }),
      json(200, run("queued"), { "Kivo-Bookmark": "00000001-00000002-00000004-bb" }),
      kivoError(404, "not_found"),
      json(200, run("queued")),
    ]);
    const kivo = client();
    expect(kivo.bookmark).toBeNull();
    await kivo.reviewRuns.create(body);
    await kivo.reviewRuns.get("run_1");
    await kivo.reviewRuns.get("run_2").catch(() => undefined);
    await kivo.reviewRuns.get("run_1");
    // An answer without a bookmark (an error before the database was read) keeps the last one.
    expect(seen.map((request) => request.headers["kivo-bookmark"] ?? null)).toEqual([
      null,
      "00000001-00000002-00000003-aa",
      "00000001-00000002-00000004-bb",
      "00000001-00000002-00000004-bb",
    ]);
  });

  it("gives each create its own key, and keeps a key the caller chose", async () => {
    const { seen, client } = await standIn([json(202, {}), json(202, {}), json(202, {})]);
    const kivo = client();
    await kivo.reviewRuns.create(body);
    await kivo.reviewRuns.create(body);
    await kivo.reviewRuns.create(body, { idempotencyKey: "order-42" });
    const keys = seen.map((request) => request.headers["idempotency-key"]);
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe("order-42");
  });

  it("waits as long as Retry-After says on a 429, then succeeds", async () => {
    const { seen, sleeps, client } = await standIn([kivoError(429, "rate_limited", { "Retry-After": "3" }), json(200, run("completed"))]);
    const fetched = await client().reviewRuns.get("run_1");
    expect(fetched.status).toBe("completed");
    expect(seen.map((request) => request.url)).toEqual(["/v1/review-runs/run_1", "/v1/review-runs/run_1"]);
    expect(sleeps).toEqual([3000]);
  });

  it("throws a 429 at once when Retry-After is longer than the caller will wait", async () => {
    const { seen, sleeps, client } = await standIn([kivoError(429, "rate_limited", { "Retry-After": "120" })]);
    const error = await client({ maxRetryDelayMs: 10_000 }).reviewRuns.get("run_1").catch((caught) => caught);
    expect(error).toBeInstanceOf(KivoError);
    expect(error).toMatchObject({ code: "rate_limited", status: 429, requestId: "req_rate_limited", retryAfterSeconds: 120 });
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("stops after maxRetries and throws Kivo's error with code, status and request ID", async () => {
    const { seen, sleeps, client } = await standIn([
      kivoError(500, "internal_error"),
      kivoError(500, "internal_error"),
      kivoError(500, "internal_error"),
    ]);
    const error = await client({ random: () => 1 }).reviewRuns.claims("run_1").catch((caught) => caught);
    expect(error).toBeInstanceOf(KivoError);
    expect(error).toMatchObject({ code: "internal_error", status: 500, requestId: "req_internal_error" });
    expect(error.message).toBe("internal_error: internal_error happened (HTTP 500, request req_internal_error)");
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it("does not repeat a request Kivo refused as invalid, and exposes the details", async () => {
    const { seen, client } = await standIn([
      json(400, {
        error: {
          code: "validation_error",
          message: "Invalid request.",
          details: [{ path: "sources", message: "Required" }],
          doc_url: "https://api.trykivo.co/docs/errors#validation_error",
        },
        request_id: "req_400",
      }),
    ]);
    const error = await client().reviewRuns.create(body).catch((caught) => caught);
    expect(error).toMatchObject({
      code: "validation_error",
      status: 400,
      requestId: "req_400",
      details: [{ path: "sources", message: "Required" }],
      docUrl: "https://api.trykivo.co/docs/errors#validation_error",
    });
    expect(seen).toHaveLength(1);
  });

  it("does not repeat a cancel after a 5xx, which may already have cancelled", async () => {
    const { seen, client } = await standIn([kivoError(502, "service_unavailable")]);
    await expect(client().reviewRuns.cancel("run_1")).rejects.toMatchObject({ status: 502 });
    expect(seen).toHaveLength(1);
  });

  it("deletes a run and an import by ID, and does not repeat a delete after a 5xx, which may already have deleted", async () => {
    const { seen, client } = await standIn([
      json(200, { id: "run_1", deleted: true, request_id: "r1" }),
      json(200, { id: "import_1", deleted: true, deleted_review_run_count: 3, request_id: "r2" }),
      kivoError(502, "service_unavailable"),
      kivoError(409, "import_not_deletable"),
    ]);
    const kivo = client();
    expect(await kivo.reviewRuns.delete("run_1")).toEqual({ id: "run_1", deleted: true, request_id: "r1" });
    expect(await kivo.imports.delete("import_1")).toEqual({ id: "import_1", deleted: true, deleted_review_run_count: 3, request_id: "r2" });
    await expect(kivo.reviewRuns.delete("run/2")).rejects.toMatchObject({ status: 502 });
    await expect(kivo.imports.delete("import_2")).rejects.toMatchObject({ code: "import_not_deletable", status: 409 });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      "DELETE /v1/review-runs/run_1",
      "DELETE /v1/imports/import_1",
      "DELETE /v1/review-runs/run%2F2",
      "DELETE /v1/imports/import_2",
    ]);
  });

  it("reads a non-Kivo error page as http_<status>, with the request ID from the header", async () => {
    const { client } = await standIn([
      (res) => res.writeHead(502, { "Content-Type": "text/html", "X-Request-Id": "req_edge" }).end("<h1>Bad gateway</h1>"),
    ]);
    const error = await client({ maxRetries: 0 }).reviewRuns.get("run_1").catch((caught) => caught);
    expect(error).toMatchObject({ code: "http_502", status: 502, requestId: "req_edge" });
  });

  it("retries a dropped connection, then succeeds", async () => {
    const { seen, sleeps, client } = await standIn([dropConnection, json(200, { id: "import_1", status: "completed" })]);
    const imported = await client().imports.get("import_1");
    expect(imported.id).toBe("import_1");
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([375]);
  });

  it("treats a server that does not answer within timeoutMs as a failed attempt, and says so after the last one", async () => {
    const { seen, client } = await standIn([neverAnswer, neverAnswer]);
    const error = await client({ timeoutMs: 150, maxRetries: 1 }).reviewRuns.get("run_1").catch((caught) => caught);
    expect(error).toBeInstanceOf(KivoConnectionError);
    expect(error).toMatchObject({ attempts: 2 });
    expect(error.message).toContain("no answer within 150 ms");
    expect(seen).toHaveLength(2);
  });

  it("reports an unreachable Kivo as KivoConnectionError after every attempt", async () => {
    const sleeps: number[] = [];
    const kivo = new Kivo({ apiKey: "k", baseUrl: "http://127.0.0.1:9", sleep: async (ms) => void sleeps.push(ms), random: () => 0 });
    const error = await kivo.reviewRuns.get("run_1").catch((caught) => caught);
    expect(error).toBeInstanceOf(KivoConnectionError);
    expect(error.attempts).toBe(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it("stops at once when the caller aborts", async () => {
    const { client } = await standIn([neverAnswer]);
    const controller = new AbortController();
    const pending = client().reviewRuns.get("run_1", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user gave up")), 50);
    await expect(pending).rejects.toThrow("user gave up");
  });
});

describe("helpers", () => {
  it("createAndWait asks for an inline review, then polls at the recommended interval until the run is terminal", async () => {
    const queued = { review_run: run("queued"), queued: { review_run_id: "run_1", status: "queued", polling_url: "x", recommended_poll_interval_seconds: 2 } };
    const { seen, sleeps, client } = await standIn([json(202, queued), json(200, run("processing")), json(200, run("completed", { claim_count: 2 }))]);
    const finished = await client().reviewRuns.createAndWait(body);
    expect(finished).toMatchObject({ status: "completed", claim_count: 2 });
    expect(seen[0]!.headers.prefer).toBe("wait=10");
    expect(seen.slice(1).map((request) => `${request.method} ${request.url}`)).toEqual(["GET /v1/review-runs/run_1", "GET /v1/review-runs/run_1"]);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it("createAndWait returns the inline result without polling, and gives up with KivoTimeoutError", async () => {
    const inline = await standIn([json(200, run("completed"))]);
    expect((await inline.client().reviewRuns.createAndWait(body, { wait: 4 })).status).toBe("completed");
    expect(inline.seen[0]!.headers.prefer).toBe("wait=4");
    expect(inline.seen).toHaveLength(1);

    const queued = { review_run: run("queued"), queued: { review_run_id: "run_1", status: "queued", polling_url: "x", recommended_poll_interval_seconds: 2 } };
    const slow = await standIn([json(202, queued), json(200, run("processing")), json(200, run("processing"))]);
    const error = await slow.client().reviewRuns.createAndWait(body, { timeoutMs: 4000 }).catch((caught) => caught);
    expect(error).toBeInstanceOf(KivoTimeoutError);
    expect(error).toMatchObject({ reviewRunId: "run_1", lastStatus: "processing" });
  });

  it("list follows next_cursor page by page, and fetches a page only when it is reached", async () => {
    const { seen, client } = await standIn([
      json(200, { items: [{ id: "run_3" }, { id: "run_2" }], has_more: true, next_cursor: "c2", request_id: "r" }),
      json(200, { items: [{ id: "run_1" }], has_more: false, next_cursor: null, request_id: "r" }),
      json(200, { items: [{ id: "run_3" }], has_more: true, next_cursor: "c2", request_id: "r" }),
    ]);
    const kivo = client();
    const ids: string[] = [];
    for await (const summary of kivo.reviewRuns.list({ status: "completed", limit: 2 })) ids.push(summary.id);
    expect(ids).toEqual(["run_3", "run_2", "run_1"]);
    expect(seen.map((request) => request.url)).toEqual([
      "/v1/review-runs?status=completed&limit=2",
      "/v1/review-runs?status=completed&limit=2&cursor=c2",
    ]);
    for await (const summary of kivo.reviewRuns.list()) if (summary.id === "run_3") break;
    expect(seen).toHaveLength(3);
  });

  it("claimReport asks for markdown or HTML and answers the text", async () => {
    const { seen, client } = await standIn([
      (res) => res.writeHead(200, { "Content-Type": "text/markdown" }).end("# Claim report\n"),
      (res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<h1>Needs repair</h1>"),
    ]);
    const kivo = client();
    expect(await kivo.reviewRuns.claimReport("run_1", { format: "markdown" })).toBe("# Claim report\n");
    expect(await kivo.reviewRuns.claimReport("run_1", { format: "html" })).toBe("<h1>Needs repair</h1>");
    expect(seen.map((request) => [request.url, request.headers.accept])).toEqual([
      ["/v1/review-runs/run_1/claim-report?format=markdown", "text/markdown"],
      ["/v1/review-runs/run_1/claim-report?format=html", "text/html"],
    ]);
  });

  it("imports.results reads the results file line by line, and resultsCsv as text, resuming from a row", async () => {
    const line = (row: number, status: string) => ({ row, external_id: `answer_${row}`, review_run_id: status === "rejected" ? null : `run_${row}`, status });
    const { seen, client } = await standIn([
      (res) => res.writeHead(200, { "Content-Type": "application/x-ndjson" }).end(`${JSON.stringify(line(1, "completed"))}\n${JSON.stringify(line(2, "rejected"))}\n`),
      (res) => res.writeHead(200, { "Content-Type": "text/csv" }).end("row,external_id\r\n2,answer_2\r\n"),
    ]);
    const kivo = client();
    const lines = [];
    for await (const result of kivo.imports.results("import_1")) lines.push(result);
    expect(lines).toEqual([line(1, "completed"), line(2, "rejected")]);
    expect(await kivo.imports.resultsCsv("import_1", { fromRow: 2 })).toBe("row,external_id\r\n2,answer_2\r\n");
    expect(seen.map((request) => [request.url, request.headers.accept])).toEqual([
      ["/v1/imports/import_1/results?format=jsonl", "application/x-ndjson"],
      ["/v1/imports/import_1/results?format=csv&from_row=2", "text/csv"],
    ]);
  });

  it("webhookEndpoints manage endpoints and page deliveries; only reads and updates are repeated after a 5xx", async () => {
    const endpoint = { id: "whep_1", url: "https://hooks.example.com/kivo", enabled: true, event_types: ["review_run.completed"] };
    const { seen, client } = await standIn([
      json(201, { ...endpoint, secret: "whsec_1", request_id: "r" }),
      json(200, { items: [endpoint], request_id: "r" }),
      kivoError(502, "service_unavailable"),
      json(200, { ...endpoint, enabled: false, request_id: "r" }),
      json(200, { items: [{ id: "whdl_2" }], has_more: true, next_cursor: "c2", request_id: "r" }),
      json(200, { items: [{ id: "whdl_1" }], has_more: false, next_cursor: null, request_id: "r" }),
      kivoError(502, "service_unavailable"),
      json(200, { id: "whep_1", deleted: true, request_id: "r" }),
    ]);
    const hooks = client({ random: () => 1 }).webhookEndpoints;
    expect((await hooks.create({ url: endpoint.url, event_types: ["review_run.completed"], description: "CI" })).secret).toBe("whsec_1");
    expect((await hooks.list()).items).toEqual([endpoint]);
    expect((await hooks.update("whep_1", { enabled: false })).enabled).toBe(false);
    const deliveries = [];
    for await (const delivery of hooks.deliveries("whep_1", { limit: 1 })) deliveries.push(delivery.id);
    expect(deliveries).toEqual(["whdl_2", "whdl_1"]);
    await expect(hooks.rotateSecret("whep_1", { previousSecretValidForSeconds: 0 })).rejects.toMatchObject({ status: 502 });
    expect(await hooks.delete("whep_1")).toMatchObject({ deleted: true });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      "POST /v1/webhook-endpoints",
      "GET /v1/webhook-endpoints",
      "PATCH /v1/webhook-endpoints/whep_1",
      "PATCH /v1/webhook-endpoints/whep_1",
      "GET /v1/webhook-endpoints/whep_1/deliveries?limit=1",
      "GET /v1/webhook-endpoints/whep_1/deliveries?limit=1&cursor=c2",
      "POST /v1/webhook-endpoints/whep_1/rotate-secret",
      "DELETE /v1/webhook-endpoints/whep_1",
    ]);
    expect(JSON.parse(seen[0]!.body)).toEqual({ url: endpoint.url, event_types: ["review_run.completed"], description: "CI" });
    expect(JSON.parse(seen[2]!.body)).toEqual({ enabled: false });
    expect(JSON.parse(seen[6]!.body)).toEqual({ previous_secret_valid_for_seconds: 0 });
  });

  it("imports.create sends rows as JSON, and a JSONL or CSV file as itself with the defaults in the query", async () => {
    const { seen, client } = await standIn([json(202, {}), json(202, {}), json(202, {})]);
    const kivo = client();
    await kivo.imports.create({ rows: [body], strictness: "strict" });
    await kivo.imports.create({ jsonl: '{"ai_output":"a"}\n', intended_use: "internal_draft" });
    await kivo.imports.create({ csv: "answer,kb\nA,B\n", intended_use: "customer_facing", field_mapping: { ai_output: "answer", source_content: "kb" } });
    expect(seen[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(seen[0]!.body)).toEqual({ media_type: "application/json", rows: [body], strictness: "strict" });
    expect([seen[1]!.url, seen[1]!.headers["content-type"], seen[1]!.body]).toEqual([
      "/v1/imports?intended_use=internal_draft",
      "application/x-ndjson",
      '{"ai_output":"a"}\n',
    ]);
    const csvUrl = new URL(seen[2]!.url, "http://x");
    expect(seen[2]!.headers["content-type"]).toBe("text/csv");
    expect(JSON.parse(csvUrl.searchParams.get("field_mapping")!)).toEqual({ ai_output: "answer", source_content: "kb" });
    expect(seen.every((request) => typeof request.headers["idempotency-key"] === "string")).toBe(true);
  });

  it("identifies itself with the SDK and API versions, pins its dated API version, and authenticates with the key", async () => {
    const { seen, client } = await standIn([json(200, run("completed"))]);
    await client().reviewRuns.get("run_1");
    expect(seen[0]!.headers["user-agent"]).toBe(`kivo-typescript/${SDK_VERSION} (api ${API_VERSION})`);
    expect(seen[0]!.headers["kivo-version"]).toBe(KIVO_VERSION);
    expect(seen[0]!.headers.authorization).toBe("Bearer kivo_test_standin");
  });
});

describe("the package", () => {
  it("records the API version of the committed document, and its generated types are current", () => {
    const document = JSON.parse(readFileSync(new URL("../../../openapi/openapi.json", import.meta.url), "utf8"));
    expect(API_VERSION).toBe(document.info.version);
    expect(KIVO_VERSION).toBe(document.info["x-kivo-version"]);
    const check = spawnSync(
      process.execPath,
      [new URL("../../../node_modules/openapi-typescript/bin/cli.js", import.meta.url).pathname, "../../openapi/openapi.json", "--default-non-nullable", "false", "-o", "src/schema.d.ts", "--check"],
      { cwd: sdkRoot, encoding: "utf8" },
    );
    expect(check.status, `${check.stdout}${check.stderr}\nregenerate with: npm run generate (in sdks/typescript)`).toBe(0);
  });
});
