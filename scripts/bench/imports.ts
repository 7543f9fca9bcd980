// Imports section of `npm run bench`: 1,000-row imports against a real
// `wrangler dev` on loopback (local D1, R2, Queues), once per input form.
// "accepted" is rows / time to the 202 (parsing, validating, reserving and
// staging every row); "runs created" is rows / time until the import is
// `completed` (every row has its run, created chunk by chunk through the
// import queue); "all completed" is rows / time until every one of those runs
// has also been reviewed through the review queue. "webhook" is how long after
// the import's last review its signed `import.completed` reached a local
// receiver (through the webhook queue).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type LocalKivo, startLocalKivo } from "../lib/local-kivo.ts";

const ROWS = 1000;

// Varied but fixed rows: each repeats the two rows of examples/fixtures/sample.jsonl with its own numbers.
function rowsOf(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const days = 14 + (i % 60);
    return i % 2 === 0
      ? {
          external_id: `bench_${i + 1}`,
          question: "What is the refund window?",
          ai_output: `Refunds are available for ${days} days, including international orders.`,
          sources: [{ title: "Refund policy", content: `Customers may request a refund within ${30 + (i % 7)} days of purchase.` }],
          intended_use: "customer_facing",
        }
      : {
          external_id: `bench_${i + 1}`,
          question: "Can admins export logs?",
          ai_output: `Admins can export audit logs for the last ${days} days.`,
          sources: [{ title: "Admin guide", content: `Admins can export audit logs from the security workspace for up to ${days} days.` }],
          intended_use: "internal_draft",
        };
  });
}

const csvCell = (value: string) => `"${value.replace(/"/g, '""')}"`;

function asCsv(rows: ReturnType<typeof rowsOf>): string {
  const header = "external_id,question,ai_output,source_title,source_content,intended_use";
  const lines = rows.map((r) =>
    [r.external_id, r.question, r.ai_output, r.sources[0]!.title, r.sources[0]!.content, r.intended_use].map(csvCell).join(","),
  );
  return `${header}\r\n${lines.join("\r\n")}\r\n`;
}

const FORMS: Record<string, (rows: ReturnType<typeof rowsOf>) => { contentType: string; body: string }> = {
  "JSON rows": (rows) => ({ contentType: "application/json", body: JSON.stringify({ media_type: "application/json", rows }) }),
  "raw JSONL": (rows) => ({ contentType: "application/x-ndjson", body: rows.map((r) => JSON.stringify(r)).join("\n") }),
  "raw CSV": (rows) => ({ contentType: "text/csv", body: asCsv(rows) }),
};

async function get(kivo: LocalKivo, path: string): Promise<Record<string, any>> {
  const response = await fetch(`${kivo.baseUrl}${path}`, { headers: { Authorization: `Bearer ${kivo.apiKey}` } });
  return (await response.json()) as Record<string, any>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Until the import is completed and none of its runs is still queued or
 * processing; returns when the import itself reached `completed`.
 */
async function waitAllCompleted(kivo: LocalKivo, importId: string, timeoutMs = 600_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let createdAt: number | undefined;
  while (Date.now() < deadline) {
    if (createdAt === undefined) {
      const body = await get(kivo, `/v1/imports/${importId}`);
      if (body.status === "failed") throw new Error(`import ${importId} failed: ${body.error_code}`);
      if (body.status === "completed") createdAt = performance.now();
    }
    if (createdAt !== undefined) {
      const pending = await Promise.all(
        ["queued", "processing"].map((status) => get(kivo, `/v1/review-runs?import_id=${importId}&status=${status}&limit=1`)),
      );
      if (pending.every((page) => page.items.length === 0)) return createdAt;
    }
    await pause(50);
  }
  throw new Error(`import ${importId} did not complete within ${timeoutMs / 1000} s`);
}

interface Figures {
  acceptedMs: number;
  createdMs: number;
  completedMs: number;
  webhookMs: number;
}

/** A loopback receiver that notes when each import's `import.completed` arrives. */
async function webhookReceiver() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type: string; data: { id: string } };
      if (event.type === "import.completed") arrivals.set(event.data.id, Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    async arrival(importId: string, timeoutMs = 120_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      while (!arrivals.has(importId) && Date.now() < deadline) await pause(20);
      const at = arrivals.get(importId);
      if (at === undefined) throw new Error(`no import.completed for ${importId}`);
      return at;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const perSecond = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString("en")} rows/s`;

export async function benchImports(): Promise<Record<string, Figures>> {
  const kivo = await startLocalKivo({ vars: { KIVO_WEBHOOK_ALLOW_LOOPBACK: "true" } });
  const receiver = await webhookReceiver();
  const figures: Record<string, Figures> = {};
  try {
    await fetch(`${kivo.baseUrl}/v1/webhook-endpoints`, {
      method: "POST",
      headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ url: receiver.url, event_types: ["import.completed"] }),
    });
    const rows = rowsOf(ROWS);
    // Warm-up: one small import that completes within the request.
    const warm = FORMS["JSON rows"]!(rows.slice(0, 10));
    await fetch(`${kivo.baseUrl}/v1/imports`, {
      method: "POST",
      headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": warm.contentType },
      body: warm.body,
    });

    for (const [name, form] of Object.entries(FORMS)) {
      const { contentType, body } = form(rows);
      const started = performance.now();
      const response = await fetch(`${kivo.baseUrl}/v1/imports`, {
        method: "POST",
        headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": contentType },
        body,
      });
      const created = (await response.json()) as Record<string, any>;
      const acceptedMs = performance.now() - started;
      if (response.status !== 202 || created.accepted_count !== ROWS) {
        throw new Error(`${name}: import answered ${response.status} ${JSON.stringify(created).slice(0, 300)}`);
      }
      const createdAt = await waitAllCompleted(kivo, created.id);
      const completedMs = performance.now() - started;
      const arrivedAt = await receiver.arrival(created.id);
      const lastReviewedAt = (await get(kivo, `/v1/imports/${created.id}`)).review_progress.last_reviewed_at as string;
      figures[name] = { acceptedMs, createdMs: createdAt - started, completedMs, webhookMs: arrivedAt - Date.parse(lastReviewedAt) };
    }

    console.log(`\nImports (${ROWS.toLocaleString("en")} rows each, wrangler dev on loopback, one import at a time)`);
    for (const [name, { acceptedMs, createdMs, completedMs, webhookMs }] of Object.entries(figures)) {
      console.log(
        `  ${name.padEnd(10)}  accepted ${perSecond(ROWS, acceptedMs).padStart(14)} (202 in ${(acceptedMs / 1000).toFixed(2)} s)` +
          `   runs created ${perSecond(ROWS, createdMs).padStart(12)} (${(createdMs / 1000).toFixed(1)} s)` +
          `   all completed ${perSecond(ROWS, completedMs).padStart(12)} (${(completedMs / 1000).toFixed(1)} s)` +
          `   webhook ${Math.round(webhookMs)} ms after the last review`,
      );
    }
    return figures;
  } finally {
    await receiver.close();
    await kivo.stop();
  }
}
