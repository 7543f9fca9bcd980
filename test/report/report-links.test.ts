import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base64UrlEncode, hmacSign, utf8 } from "../../src/lib/crypto.ts";
import { signReportLink, verifyReportLink } from "../../src/services/report/links.ts";
import { documented } from "../helpers/documented.ts";
import { ReportLinkListSchema, RevokedReportLinkSchema } from "../../src/routes/report-links/schema.ts";
import { BASE, call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { inspectPage } from "../helpers/html.ts";
import { SEED_PACKET, answered, createRun, waitForRun, type Json } from "../helpers/runs.ts";
import { createRun as createWorkerRun } from "../routes/enterprise-worker/helpers.ts";

const secret = env.KIVO_SIGNING_SECRET!;

async function completedRun(tenant: Tenant, packet: unknown = SEED_PACKET) {
  const { body } = answered(await createRun(tenant, packet), 202);
  const run = await waitForRun(tenant, body.review_run.id);
  expect(run.status).toBe("completed");
  return run;
}

async function createLink(tenant: Tenant, runId: string, json: unknown = {}) {
  const response = await call(`/v1/review-runs/${runId}/report-links`, { method: "POST", key: tenant.apiKey, json });
  return { response, body: (await response.clone().json()) as Json };
}

/** Opens a link as a reviewer would: no API key. */
const open = (url: string) => call(url.slice(BASE.length), { headers: { Accept: "text/html" } });

function expectPageHeaders(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(response.headers.get("Content-Security-Policy")).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; /);
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
}

describe("GET …/claim-report as the reviewer page", () => {
  it("answers ?format=html and Accept: text/html with the page; JSON and markdown are unchanged", async () => {
    const tenant = await seedTenant();
    const run = await completedRun(tenant);
    const claims = ((await (await call(`/v1/review-runs/${run.id}/claims`, { key: tenant.apiKey })).json()) as Json).items as Json[];
    const path = `/v1/review-runs/${run.id}/claim-report`;
    const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for (const response of [
      await call(`${path}?format=html`, { key: tenant.apiKey }),
      await call(path, { key: tenant.apiKey, headers: { Accept: browserAccept } }),
    ]) {
      expectPageHeaders(response);
      expect(response.headers.get("Vary")).toContain("Accept");
      const html = await response.text();
      expect(html).toContain("<h1>Needs repair</h1>");
      const { marks } = await inspectPage(html);
      expect(marks).toEqual(
        claims.map((claim) => ({
          claimId: claim.id,
          status: claim.support_status,
          text: SEED_PACKET.ai_output.slice(claim.output_start_offset, claim.output_end_offset),
        })),
      );
      expect(html).toContain("Customers may request a refund within 30 days of purchase.");
      expect(html).toContain("— Refund policy");
    }
    const json = await call(`${path}?format=json`, { key: tenant.apiKey, headers: { Accept: "text/html" } });
    expect(json.headers.get("Content-Type")).toContain("application/json");
    expect(((await json.json()) as Json).safe_use_status).toBe("needs_repair");
    const markdown = await call(path, { key: tenant.apiKey, headers: { Accept: "text/markdown, text/html" } });
    expect(markdown.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
  });

  it("reads the quoted source back from R2 for the passage around each quote, and does without it when it is gone", async () => {
    const tenant = await seedTenant();
    const packet = {
      ...SEED_PACKET,
      sources: [
        {
          title: "Refund policy",
          content: "Orders ship within two days. Customers may request a refund within 30 days of purchase. Gift cards are final sale.",
        },
      ],
    };
    const run = await completedRun(tenant, packet);
    const path = `/v1/review-runs/${run.id}/claim-report?format=html`;
    const html = await (await call(path, { key: tenant.apiKey })).text();
    expect(html).toMatch(/<p class="passage">Orders ship within two days\. <mark>[^<]*within 30 days[^<]*<\/mark>[^<]*Gift cards are final sale\.<\/p>/);

    const key = `runs/${tenant.projectId}/${run.id}/sources/1`;
    expect(await env.SOURCES.head(key)).not.toBeNull();
    await env.SOURCES.delete(key);
    const without = await call(path, { key: tenant.apiKey });
    expectPageHeaders(without);
    const page = await without.text();
    expect(page).not.toContain('class="passage"');
    expect(page).toContain("— Refund policy");
  });

  it("answers an Enterprise Worker run's page with 409 artifact_not_hosted", async () => {
    const tenant = await seedTenant();
    const run = await createWorkerRun(tenant);
    await expectError(await call(`/v1/review-runs/${run.id}/claim-report?format=html`, { key: tenant.apiKey }), 409, "artifact_not_hosted");
    await expectError((await createLink(tenant, run.id)).response, 409, "artifact_not_hosted");
  });
});

describe("report links", () => {
  it("open the page without an API key until they expire", async () => {
    const tenant = await seedTenant();
    const run = await completedRun(tenant);
    const before = Date.now();
    const { response, body } = await createLink(tenant, run.id);
    expect(response.status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["expires_at", "id", "request_id", "review_run_id", "revoked_at", "url"]);
    expect(body).toMatchObject({ id: expect.stringMatching(/^rlink_[0-9a-z]{26}$/), revoked_at: null });
    expect(body.review_run_id).toBe(run.id);
    expect(body.url).toMatch(/^http:\/\/kivo\.test\/v1\/report-links\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const expiresAt = Date.parse(body.expires_at);
    expect(expiresAt - before).toBeGreaterThan(86_400_000 - 2000);
    expect(expiresAt - before).toBeLessThanOrEqual(86_400_000 + 1000);

    const page = await open(body.url);
    expectPageHeaders(page);
    expect(page.headers.get("X-Robots-Tag")).toBe("noindex, nofollow");
    const html = await page.text();
    expect(html).toContain('data-safe-use-status="needs_repair"');
    expect(html).toContain(`Shared review link, valid until <time datetime="${body.expires_at}">`);
    expect((await inspectPage(html)).marks.length).toBe(run.claim_count);

    const short = await createLink(tenant, run.id, { expires_in_seconds: 60 });
    expect(Date.parse(short.body.expires_at) - before).toBeLessThanOrEqual(61_000);
    expect((await open(short.body.url)).status).toBe(200);
  });

  it("accept a POST without a body, and refuse a lifetime outside 60 s to 7 days or an unknown field", async () => {
    const tenant = await seedTenant();
    const run = await completedRun(tenant);
    const bare = await call(`/v1/review-runs/${run.id}/report-links`, { method: "POST", key: tenant.apiKey });
    expect(bare.status).toBe(200);
    for (const json of [{ expires_in_seconds: 59 }, { expires_in_seconds: 7 * 86400 + 1 }, { expires_in_seconds: "3600" }, { expiry: 60 }]) {
      const body = await expectError((await createLink(tenant, run.id, json)).response, 400, "validation_error");
      expect(body.error.details?.length).toBeGreaterThan(0);
    }
    expect((await createLink(tenant, run.id, { expires_in_seconds: 7 * 86400 })).response.status).toBe(200);
  });

  it("answer 404 for an expired, altered or foreign-signed link, in the error envelope", async () => {
    const tenant = await seedTenant();
    const run = await completedRun(tenant);
    const { body } = await createLink(tenant, run.id);
    const token = (body.url as string).split("/").pop()!;
    const [payload, signature] = token.split(".") as [string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    const claims = { lid: body.id, run: run.id, project: tenant.projectId, exp: Math.floor(Date.now() / 1000) + 3600 };
    const otherPayload = base64UrlEncode(utf8.encode(JSON.stringify(claims)));
    const expired = await signReportLink(secret, { linkId: body.id, runId: run.id, projectId: tenant.projectId, expiresAt: Date.now() - 1000 });
    // Signed with the real secret, but for a link Kivo never issued.
    const unissued = await signReportLink(secret, {
      linkId: "rlink_01hw87ffx88w7m4a4qn1v2z7g0",
      runId: run.id,
      projectId: tenant.projectId,
      expiresAt: Date.now() + 60_000,
    });

    const bad = {
      "altered payload": `${flip(payload, 5)}.${signature}`,
      "altered signature": `${payload}.${flip(signature, 3)}`,
      "payload of another link": `${otherPayload}.${signature}`,
      "signed with another key": `${otherPayload}.${await hmacSign("not-the-secret", "report-link.v1", otherPayload)}`,
      "signed as a list cursor": `${otherPayload}.${await hmacSign(secret, "list-cursor.v1", otherPayload)}`,
      expired,
      unissued,
      "no signature": payload,
      garbage: "not-a-token",
      "too long": `${payload}.${"A".repeat(600)}`,
    };
    for (const [name, bogus] of Object.entries(bad)) {
      const response = await call(`/v1/report-links/${bogus}`);
      const error = await expectError(response, 404, "not_found");
      expect(error.error.message, name).toMatch(/invalid, expired or revoked/);
    }
    expect((await open(body.url)).status).toBe(200);
  });

  it("stay inside the project that signed them", async () => {
    const owner = await seedTenant();
    const stranger = await seedTenant();
    const run = await completedRun(owner);
    const { body } = await createLink(owner, run.id);
    const forged = await signReportLink(secret, { linkId: body.id, runId: run.id, projectId: stranger.projectId, expiresAt: Date.now() + 60_000 });
    await expectError(await call(`/v1/report-links/${forged}`), 404, "not_found");
    await expectError((await createLink(stranger, run.id)).response, 404, "not_found");
  });

  it("verify to the run, project and whole-second expiry they were signed with", async () => {
    const expiresAt = Date.UTC(2026, 3, 27, 16, 20, 24);
    const linkId = "rlink_01hw87ffx88w7m4a4qn1v2z7g0";
    const token = await signReportLink(secret, { linkId, runId: "run_x", projectId: "p", expiresAt: expiresAt + 999 });
    expect(await verifyReportLink(secret, token, expiresAt - 1)).toEqual({ linkId, runId: "run_x", projectId: "p", expiresAt });
    expect(await verifyReportLink(secret, token, expiresAt)).toBeNull();
  });

  it("can be revoked by the project before they expire, one link at a time", async () => {
    const tenant = await seedTenant();
    const stranger = await seedTenant();
    const run = await completedRun(tenant);
    const first = (await createLink(tenant, run.id)).body;
    const second = (await createLink(tenant, run.id)).body;
    const revokePath = (runId: string, linkId: string) => `/v1/review-runs/${runId}/report-links/${linkId}/revoke`;

    // Another project cannot revoke it, nor can the link be named under another run.
    await expectError(await call(revokePath(run.id, first.id), { method: "POST", key: stranger.apiKey }), 404, "not_found");
    const other = await completedRun(tenant);
    await expectError(await call(revokePath(other.id, first.id), { method: "POST", key: tenant.apiKey }), 404, "not_found");
    expect((await open(first.url)).status).toBe(200);

    const revoked = await call(revokePath(run.id, first.id), { method: "POST", key: tenant.apiKey });
    const revokedBody = documented(RevokedReportLinkSchema, await revoked.json());
    expect(revoked.status).toBe(200);
    expect(revokedBody).toMatchObject({ id: first.id, review_run_id: run.id, expires_at: first.expires_at, revoked_at: expect.any(String) });
    expect(JSON.stringify(revokedBody)).not.toContain(first.url.split("/").pop());

    const error = await expectError(await open(first.url), 404, "not_found");
    expect(error.error.message).toMatch(/revoked/);
    expect((await open(second.url)).status).toBe(200);
    // The project can find its links again (never their tokens), revoked ones marked.
    const listed = await call(`/v1/review-runs/${run.id}/report-links`, { key: tenant.apiKey });
    const list = documented(ReportLinkListSchema, await listed.json());
    expect(list.items).toEqual([
      { id: second.id, review_run_id: run.id, expires_at: second.expires_at, revoked_at: null },
      { id: first.id, review_run_id: run.id, expires_at: first.expires_at, revoked_at: revokedBody.revoked_at },
    ]);
    expect(JSON.stringify(list)).not.toContain(first.url.split("/").pop());
    await expectError(await call(`/v1/review-runs/${run.id}/report-links`, { key: stranger.apiKey }), 404, "not_found");
    // Revoking again is harmless and keeps the first time.
    const again = documented(RevokedReportLinkSchema, await (await call(revokePath(run.id, first.id), { method: "POST", key: tenant.apiKey })).json());
    expect(again.revoked_at).toBe(revokedBody.revoked_at);
  });
});
