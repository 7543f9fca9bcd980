import { createHmac, timingSafeEqual } from "node:crypto";
import { type IncomingHttpHeaders, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, kivo } from "./helpers.ts";
import { EndpointWithSecretSchema } from "../../src/routes/webhook-endpoints/schema.ts";

// The batch that finishes on its own: a 1,000-row CSV import is followed to
// its signed `import.completed` at a local receiver (plain HTTP on loopback,
// which the suite's wrangler dev allows with KIVO_WEBHOOK_ALLOW_LOOPBACK),
// then its results file is joined back by external_id.

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

const deliveries: Delivery[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200, { "Content-Type": "text/plain" }).end("received");
  });
});
let receiverUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kivo-hook`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A receiver's check, written the way a customer would with node:crypto. */
function verify(header: string | undefined, body: string, secret: string, toleranceSeconds = 300): boolean {
  if (!header) return false;
  const parts = header.split(",").map((part) => part.split("="));
  const t = Number(parts.find(([key]) => key === "t")?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  return parts.some(([key, value]) => key === "v1" && value && value.length === expected.length && timingSafeEqual(Buffer.from(value), expected));
}

describe("a 1,000-row CSV import", () => {
  it("ends in a signed import.completed at the receiver, and its results join back by external_id", { timeout: 240_000 }, async () => {
    const created = await api(
      "/v1/webhook-endpoints",
      { json: { url: receiverUrl, event_types: ["import.completed"], description: "e2e receiver" } },
      EndpointWithSecretSchema,
    );
    expect(created.status).toBe(201);
    const secret = created.body.secret;

    const rows = Array.from({ length: 1000 }, (_, i) => {
      const n = i + 1;
      const answer = n % 2 === 0 ? "Refunds are available for 60 days." : "Customers may request a refund within 30 days of purchase.";
      return `ticket-${n},"${answer}",Refund policy,Customers may request a refund within 30 days of purchase.,customer_facing`;
    });
    const csv = `external_id,ai_output,source_title,source_content,intended_use\n${rows.join("\n")}\n`;
    const response = await fetch(`${kivo.baseUrl}/v1/imports`, {
      method: "POST",
      headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": "text/csv" },
      body: csv,
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as Record<string, any>;
    expect(accepted).toMatchObject({ status: "queued", row_count: 1000, accepted_count: 1000 });

    const started = Date.now();
    let completed: Delivery | undefined;
    while (!completed && Date.now() - started < 220_000) {
      completed = deliveries.find((d) => d.headers["kivo-event-type"] === "import.completed" && JSON.parse(d.body).data.id === accepted.id);
      if (!completed) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(completed, "import.completed reached the receiver").toBeDefined();
    expect(verify(completed!.headers["kivo-signature"] as string, completed!.body, secret)).toBe(true);
    expect(verify(completed!.headers["kivo-signature"] as string, completed!.body, "whsec_wrong")).toBe(false);
    const event = JSON.parse(completed!.body);
    expect(event.id).toBe(completed!.headers["kivo-event-id"]);
    expect(event.data.review_progress).toMatchObject({ runs_created: 1000, reviewed: 1000, pending: 0, all_reviewed: true });
    expect(event.data.review_progress.by_safe_use_status.needs_repair).toBe(500);

    const results = await fetch(`${kivo.baseUrl}/v1/imports/${accepted.id}/results?format=csv`, { headers: { Authorization: `Bearer ${kivo.apiKey}` } });
    expect(results.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const parsed = Papa.parse<Record<string, string>>(await results.text(), { header: true, skipEmptyLines: true });
    const byExternalId = new Map(parsed.data.map((line) => [line.external_id, line]));
    for (let n = 1; n <= 1000; n++) {
      expect(byExternalId.get(`ticket-${n}`)).toMatchObject({
        row: String(n),
        status: "completed",
        safe_use_status: n % 2 === 0 ? "needs_repair" : "verified_for_use",
      });
    }
    expect(byExternalId.size).toBe(1000);
  });
});
