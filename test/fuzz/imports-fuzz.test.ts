import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { IMPORT_DLQ_NAME, IMPORT_QUEUE_NAME } from "../../src/queues/import-consumer.ts";
import { readUsage } from "../../src/services/billing/allowance.ts";
import { cancelImport } from "../../src/services/imports/cancel.ts";
import { createImport } from "../../src/services/imports/create.ts";
import { ROW_MAX_DEPTH } from "../../src/services/imports/rows.ts";
import { call, seedTenant } from "../helpers/harness.ts";
import { deliver, row, withHeldChunks } from "../helpers/imports.ts";
import { onPrimary } from "../helpers/tenant-env.ts";

const RUNS = Number(env.FUZZ_RUNS ?? "150");
const SEED = Number(env.FUZZ_SEED ?? "20261122");
// Each case is a whole import, so these properties take a fraction of the suite's count.
const IMPORT_RUNS = Math.max(10, Math.round(RUNS / 10));
const ALLOWANCE_RUNS = Math.max(4, Math.round(RUNS / 30));

const LINE_ENDINGS = ["\r\n", "\n", "\r"] as const;

describe("raw CSV and JSON Lines import bodies", () => {
  it("read one row per record whatever the line endings, refuse bytes that are not UTF-8, and reject only the rows that spell a lone surrogate", async () => {
    const tenant = await seedTenant({ plan: "enterprise", monthlyRunLimit: 1_000_000, rateLimitPerMinute: 1_000_000 });
    const arb = fc.record({
      format: fc.constantFrom("csv", "jsonl"),
      // Per record: its line ending, and whether its text spells a lone surrogate.
      records: fc.array(fc.record({ ending: fc.constantFrom(...LINE_ENDINGS), lone: fc.boolean() }), { minLength: 1, maxLength: 6 }),
      invalidByte: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ format, records, invalidByte }) => {
        // LONE becomes the JSON escape of a lone surrogate once the row is JSON text.
        const texts = records.map(({ lone }, i) => `Admins can export audit logs ${i}${lone ? " LONE" : ""}.`);
        const body =
          format === "csv"
            ? `external_id,ai_output,sources,intended_use\r\n${records
                .map(({ ending }, i) => `r${i},Line ${i},"[{""title"":""Guide"",""content"":""${texts[i]}""}]",internal_draft${ending}`)
                .join("")}`
            : records
                .map(({ ending }, i) => `${JSON.stringify({ ...row(i), ai_output: `Line ${i}`, sources: [{ title: "Guide", content: texts[i] }] })}${ending}`)
                .join("");
        let bytes = new TextEncoder().encode(body.replaceAll("LONE", "\\ud800"));
        if (invalidByte) bytes = Uint8Array.from([...bytes.slice(0, -1), 0xff, ...bytes.slice(-1)]);
        const response = await call("/v1/imports", {
          method: "POST",
          key: tenant.apiKey,
          headers: { "Content-Type": format === "csv" ? "text/csv" : "application/x-ndjson" },
          body: bytes,
        });
        const answer = (await response.json()) as { status?: string; row_count?: number; accepted_count?: number; error?: { code: string } };
        const context = `${format} ${JSON.stringify(body).slice(0, 300)} invalid=${invalidByte} → ${response.status} ${JSON.stringify(answer).slice(0, 300)}`;
        expect(response.status, context).toBeLessThan(500);
        if (invalidByte) {
          expect([response.status, answer.error?.code], context).toEqual([400, "validation_error"]);
          return;
        }
        expect(response.status, context).toBe(202);
        expect(answer.row_count, context).toBe(records.length);
        expect(answer.accepted_count, context).toBe(records.filter(({ lone }) => !lone).length);
      }),
      { numRuns: IMPORT_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});

describe("import rows nested at any depth, with an Idempotency-Key", () => {
  it("are refused past the row depth bound and taken within it, never a 5xx", async () => {
    const tenant = await seedTenant({ plan: "enterprise", monthlyRunLimit: 1_000_000, rateLimitPerMinute: 1_000_000 });
    const arb = fc.record({ depth: fc.oneof(fc.constantFrom(ROW_MAX_DEPTH - 1, ROW_MAX_DEPTH), fc.nat({ max: 40 }), fc.nat({ max: 12_000 })), key: fc.uuid() });
    await fc.assert(
      fc.asyncProperty(arb, async ({ depth, key }) => {
        // Built as text: nothing on this side walks it either.
        const body = JSON.stringify({ rows: [{ ...row(1), metadata: "@" }] }).replace('"@"', `${'{"n":'.repeat(depth)}1${"}".repeat(depth)}`);
        const response = await call("/v1/imports", { method: "POST", key: tenant.apiKey, headers: { "Content-Type": "application/json", "Idempotency-Key": key }, body });
        const context = `depth ${depth} → ${response.status}`;
        expect(response.status, context).toBeLessThan(500);
        // The row is the first level and each metadata object one more.
        expect(response.status, context).toBe(depth + 1 > ROW_MAX_DEPTH ? 400 : 202);
      }),
      { numRuns: IMPORT_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});

describe("the allowance of a queued import", () => {
  it("ends equal to the runs that exist, whatever order its chunks, dead letters and a cancel arrive in", async () => {
    const arb = fc.record({
      rows: fc.integer({ min: 101, max: 180 }),
      // Each step hands one held chunk to the queue or the dead-letter queue, or cancels the import.
      steps: fc.array(fc.record({ chunk: fc.nat({ max: 1 }), action: fc.constantFrom("deliver", "deliver", "dead_letter", "cancel") }), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ rows, steps }) => {
        const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 1000 });
        const { testEnv: chunkEnv, held } = withHeldChunks();
        const testEnv = { ...chunkEnv, REVIEW_QUEUE: { send: async () => undefined, sendBatch: async () => undefined } } as unknown as Bindings;
        const owner = { organizationId: tenant.organizationId, projectId: tenant.projectId };
        const created = await createImport(onPrimary(testEnv), owner, { media_type: "application/json", rows: Array.from({ length: rows }, (_, i) => row(i + 1)) }, "req_fuzz");
        for (const { chunk, action } of steps) {
          const message = held[chunk % held.length]!;
          if (action === "cancel") await cancelImport(onPrimary(testEnv), tenant.projectId, created.id).catch(() => undefined);
          else await deliver(testEnv, action === "deliver" ? IMPORT_QUEUE_NAME : IMPORT_DLQ_NAME, [message]);
        }
        const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM review_runs WHERE import_id = ?").bind(created.id).first<{ n: number }>();
        const status = ((await (await call(`/v1/imports/${created.id}`, { key: tenant.apiKey })).json()) as { status: string }).status;
        const used = (await readUsage(env, tenant.organizationId)).used;
        const context = `${rows} rows, ${JSON.stringify(steps)} → ${status}, ${runs?.n} runs, ${used} used`;
        // While the import is open its rows stay reserved; once it has ended, only its runs count.
        if (status === "queued" || status === "processing") expect(used, context).toBe(rows);
        else expect(used, context).toBe(runs?.n);
      }),
      { numRuns: ALLOWANCE_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
