import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Kivo, KivoError } from "../../sdks/typescript/src/index.ts";
import { BASE, seedTenant } from "../helpers/harness.ts";
import { SEED_PACKET } from "../helpers/runs.ts";

// The TypeScript SDK inside workerd, the runtime of a Cloudflare Worker that
// calls Kivo: its timers, AbortController, crypto.randomUUID and Response
// handling, against this Worker's own fetch handler with real bindings. (Node
// is covered by the e2e suite, which installs the packed SDK.)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("@kivo/sdk in the Workers runtime", () => {
  it("creates and waits, reads claims and the markdown report, imports and lists, and maps an error", async () => {
    const tenant = await seedTenant();
    const sent: Request[] = [];
    const kivo = new Kivo({
      apiKey: tenant.apiKey,
      baseUrl: BASE,
      fetch: (input, init) => {
        const request = new Request(input, init);
        sent.push(request.clone());
        return exports.default.fetch(request);
      },
    });

    const run = await kivo.reviewRuns.createAndWait({ ...SEED_PACKET, sources: [...SEED_PACKET.sources] });
    expect(run).toMatchObject({ status: "completed", safe_use_status: "needs_repair", gate_verdict: { verdict: "needs_repair" } });
    expect(sent[0]!.headers.get("Prefer")).toBe("wait=10");
    expect(sent[0]!.headers.get("Idempotency-Key")).toMatch(UUID);

    const claims = await kivo.reviewRuns.claims(run.id);
    expect(claims.items.map((claim) => claim.support_status)).toContain("contradicted");
    expect(await kivo.reviewRuns.claimReport(run.id, { format: "markdown" })).toContain("# Claim report");

    const imported = await kivo.imports.create({
      intended_use: "internal_draft",
      rows: [
        { external_id: "row-1", ai_output: "Refunds are available for 60 days.", sources: [...SEED_PACKET.sources] },
        { external_id: "row-2", ai_output: "Refunds are available within 30 days.", sources: [...SEED_PACKET.sources] },
      ],
    });
    expect(imported).toMatchObject({ status: "completed", accepted_count: 2 });
    // The results file, row by row: each row's run and, once reviewed, its verdict.
    const lines = [];
    for await (const line of kivo.imports.results(imported.id)) lines.push(line);
    expect(lines.map((line) => [line.row, line.external_id, line.review_run_id])).toEqual([
      [1, "row-1", imported.review_run_ids[0]],
      [2, "row-2", imported.review_run_ids[1]],
    ]);
    expect((await kivo.imports.resultsCsv(imported.id, { fromRow: 2 })).split("\r\n")[1]).toMatch(/^2,row-2,/);

    const error = await kivo.reviewRuns.get("run_00000000-0000-4000-8000-000000000000").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KivoError);
    expect(error).toMatchObject({ code: "not_found", status: 404, requestId: expect.stringMatching(/^req_[0-9a-z]{26}$/) });
  });
});
