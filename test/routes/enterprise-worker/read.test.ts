import { describe, expect, it } from "vitest";
import { call, seedTenant } from "../../helpers/harness.ts";
import { SEED_PACKET, answered, createRun as createHostedRun, type Json } from "../../helpers/runs.ts";
import { documented } from "../../helpers/documented.ts";
import { ReviewRunSchema } from "../../../src/schemas/review-run.ts";
import { OUTPUT_TEXT, SOURCE_TEXT, createRun, hashOf } from "./helpers.ts";

describe("GET /v1/review-runs/{id} for an Enterprise Worker run", () => {
  it("returns the worker's metadata under private_worker and no content", async () => {
    const tenant = await seedTenant();
    const run = await createRun(tenant, { storage_pointers: ["s3://acme/reports/001"] });
    const response = await call(`/v1/review-runs/${run.id}`, { key: tenant.apiKey });
    const body = (await response.json()) as Json;
    expect(body.private_worker).toMatchObject({
      source_hashes: [await hashOf(SOURCE_TEXT)],
      output_hash: await hashOf(OUTPUT_TEXT),
      worker_version: "kivo-worker/test",
      storage_pointers: ["s3://acme/reports/001"],
      credential: { credential_id: run.credentialId, revoked: false },
    });
    expect(JSON.stringify(body)).not.toContain(run.token);
    expect(body).toMatchObject({ ai_output: null, sources: [], source_spans: [], claim_report: null });
  });

  it("is null for hosted runs", async () => {
    const tenant = await seedTenant();
    const { body } = answered(await createHostedRun(tenant, SEED_PACKET), 202);
    const run = documented(ReviewRunSchema, await (await call(`/v1/review-runs/${body.review_run.id}`, { key: tenant.apiKey })).json());
    expect(run.private_worker).toBeNull();
  });
});
