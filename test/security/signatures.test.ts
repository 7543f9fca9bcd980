import { describe, expect, it, vi } from "vitest";
import { base64UrlDecode, base64UrlEncode, hmacSign, hmacVerify } from "../../src/lib/crypto.ts";
import { call, expectError, seedTenant } from "../helpers/harness.ts";
import { createRun as createWorkerRun, statusEvent, sendEvent } from "../routes/enterprise-worker/helpers.ts";
import { SEED_PACKET, type Json } from "../helpers/runs.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The other spellings of `encoded` that differ only in the unused low bits of its last character. */
function respellings(encoded: string): string[] {
  const last = ALPHABET.indexOf(encoded.at(-1)!);
  return [1, 2, 3].map((bits) => encoded.slice(0, -1) + ALPHABET[last ^ bits]);
}

describe("signed tokens have one spelling", () => {
  it("verifies a signature only in the encoding Kivo wrote", async () => {
    const signature = await hmacSign("secret", "test.v1", "message");
    expect(signature).toHaveLength(43);
    expect(await hmacVerify("secret", "test.v1", "message", signature)).toBe(true);
    for (const respelled of respellings(signature)) expect(await hmacVerify("secret", "test.v1", "message", respelled)).toBe(false);
    const payload = base64UrlEncode(new TextEncoder().encode('{"a":1}'));
    for (const respelled of respellings(payload)) expect(base64UrlDecode(respelled)).toBeNull();
  });

  it("refuses a respelled worker credential, report link and list cursor", async () => {
    const tenant = await seedTenant();
    const worker = await createWorkerRun(tenant);
    const [body, signature] = worker.token.split(".") as [string, string];
    for (const respelled of respellings(signature)) {
      await expectError(await sendEvent(worker.id, `${body}.${respelled}`, statusEvent()), 401, "invalid_worker_credential");
    }

    const created = (await (await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: SEED_PACKET, headers: { Prefer: "wait=10" } })).json()) as Json;
    const link = (await (await call(`/v1/review-runs/${created.id}/report-links`, { method: "POST", key: tenant.apiKey, json: {} })).json()) as Json;
    for (const respelled of respellings(link.url)) await expectError(await call(respelled.slice("http://kivo.test".length)), 404, "not_found");

    const page = (await (await call("/v1/review-runs?limit=1", { key: tenant.apiKey })).json()) as Json;
    expect(page.next_cursor).toEqual(expect.any(String));
    for (const respelled of respellings(page.next_cursor)) {
      await expectError(await call(`/v1/review-runs?limit=1&cursor=${respelled}`, { key: tenant.apiKey }), 400, "invalid_cursor");
    }
    // The spelling Kivo wrote still works.
    expect((await sendEvent(worker.id, worker.token, statusEvent())).status).toBe(200);
  });
});

describe("the failed-authentication limiter covers every secret", () => {
  it("counts wrong admin tokens and forged worker credentials with wrong API keys, per IP", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-23T12:00:05.000Z"));
    try {
      const tenant = await seedTenant();
      const worker = await createWorkerRun(tenant);
      const ip = "203.0.113.77";
      const adminWith = (token: string) => call("/admin/v1/organizations", { headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": ip } });
      const forged = `${worker.token.split(".")[0]}.${"A".repeat(43)}`;
      const eventWith = (token: string) =>
        call(`/v1/private-worker/review-runs/${worker.id}/events`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": ip },
          json: statusEvent(),
        });

      for (let i = 0; i < 5; i++) await expectError(await adminWith(`kivo_admin_${"x".repeat(32)}`), 401, "invalid_api_key");
      for (let i = 0; i < 5; i++) await expectError(await eventWith(forged), 401, "invalid_worker_credential");
      // The window is full: the next guess of either kind is refused outright.
      await expectError(await adminWith("guess"), 429, "rate_limited");
      const limited = await eventWith(forged);
      expect(limited.headers.get("Retry-After")).toBe("55");
      await expectError(limited, 429, "rate_limited");
      // Genuine secrets from the same IP still work.
      expect((await eventWith(worker.token)).status).toBe(200);
      expect((await call("/v1/usage", { key: tenant.apiKey, headers: { "CF-Connecting-IP": ip } })).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});
