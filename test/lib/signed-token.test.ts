import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiError } from "../../src/errors.ts";
import { base64UrlEncode, hmacSign, utf8 } from "../../src/lib/crypto.ts";
import { decodeCursor, encodeCursor } from "../../src/lib/cursor.ts";
import { type TokenPurpose, sign, verify } from "../../src/lib/signed-token.ts";

const SECRET = "test-secret";
const PURPOSE: TokenPurpose = { label: "test-token.v1", setting: "KIVO_SIGNING_SECRET", unconfigured: "Tests are not configured." };
const PREFIXED: TokenPurpose = { ...PURPOSE, label: "test-prefixed.v1", prefix: "kivo_tst_", maxLength: 120 };
const Claims = z.object({ sub: z.string(), n: z.number() });

/** A token as the three codecs wrote them before they shared this module. */
async function legacyToken(label: string, claims: unknown, { prefix = "", scope }: { prefix?: string; scope?: string } = {}) {
  const payload = base64UrlEncode(utf8.encode(JSON.stringify(claims)));
  return `${prefix}${payload}.${await hmacSign(SECRET, label, scope === undefined ? payload : `${scope}\n${payload}`)}`;
}

describe("signed tokens", () => {
  afterEach(() => vi.restoreAllMocks());

  it("round-trips claims through the purpose's schema", async () => {
    const token = await sign(PREFIXED, SECRET, { sub: "run_1", n: 7, extra: true });
    expect(token.startsWith("kivo_tst_")).toBe(true);
    expect(await verify(PREFIXED, SECRET, token, Claims)).toEqual({ sub: "run_1", n: 7 });
  });

  it("keeps the wire format: tokens issued before the shared module still verify, and new ones are identical", async () => {
    const claims = { sub: "run_1", n: 7 };
    const legacy = await legacyToken("test-prefixed.v1", claims, { prefix: "kivo_tst_" });
    expect(await sign(PREFIXED, SECRET, claims)).toBe(legacy);
    expect(await verify(PREFIXED, SECRET, legacy, Claims)).toEqual(claims);

    const cursor = await legacyToken("list-cursor.v1", ["2026-01-01T00:00:00.000Z", "run_9"], { scope: "project-a\nstatus=completed" });
    expect(await encodeCursor(SECRET, "project-a\nstatus=completed", { createdAt: "2026-01-01T00:00:00.000Z", id: "run_9" })).toBe(cursor);
    expect(await decodeCursor(SECRET, "project-a\nstatus=completed", cursor)).toEqual({ createdAt: "2026-01-01T00:00:00.000Z", id: "run_9" });
  });

  it("refuses a token signed for another purpose, another context or with another secret", async () => {
    const token = await sign(PURPOSE, SECRET, { sub: "a", n: 1 }, { boundTo: "project-a" });
    expect(await verify(PURPOSE, SECRET, token, Claims, { boundTo: "project-a" })).toEqual({ sub: "a", n: 1 });
    expect(await verify(PURPOSE, SECRET, token, Claims, { boundTo: "project-b" })).toBeNull();
    expect(await verify(PURPOSE, SECRET, token, Claims)).toBeNull();
    expect(await verify({ ...PURPOSE, label: "test-token.v2" }, SECRET, token, Claims, { boundTo: "project-a" })).toBeNull();
    expect(await verify(PURPOSE, "another-secret", token, Claims, { boundTo: "project-a" })).toBeNull();
  });

  it("refuses tampered, re-spelled, malformed, over-long and schema-violating tokens", async () => {
    const token = await sign(PREFIXED, SECRET, { sub: "a", n: 1 });
    const body = token.slice("kivo_tst_".length);
    const [payload, signature] = body.split(".") as [string, string];
    const forgedPayload = base64UrlEncode(utf8.encode(JSON.stringify({ sub: "b", n: 1 })));
    const refused = [
      `kivo_tst_${forgedPayload}.${signature}`,
      body,
      `kivo_xxx_${body}`,
      `kivo_tst_${payload}.${signature}.x`,
      `kivo_tst_${payload}`,
      `kivo_tst_${payload}.${signature.slice(0, -1)}`,
      `kivo_tst_${payload}=.${signature}`,
      `kivo_tst_${payload}.${signature}${"A".repeat(200)}`,
      await sign(PREFIXED, SECRET, { sub: "a", n: "1" }),
      await sign(PREFIXED, SECRET, "not an object"),
      `kivo_tst_${base64UrlEncode(utf8.encode("{not json"))}.${await hmacSign(SECRET, "test-prefixed.v1", base64UrlEncode(utf8.encode("{not json")))}`,
    ];
    for (const candidate of refused) expect(await verify(PREFIXED, SECRET, candidate, Claims), candidate).toBeNull();
  });

  it("answers 503 without the secret, but refuses a malformed token as malformed first", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(sign(PURPOSE, undefined, { sub: "a", n: 1 })).rejects.toMatchObject({ code: "service_unavailable", message: "Tests are not configured." });
    const token = await sign(PURPOSE, SECRET, { sub: "a", n: 1 });
    await expect(verify(PURPOSE, "", token, Claims)).rejects.toBeInstanceOf(ApiError);
    expect(await verify(PURPOSE, undefined, "no-dot-here", Claims)).toBeNull();
    expect(logged.mock.calls.map(([line]) => JSON.parse(String(line)).event)).toEqual(["signing_secret_missing", "signing_secret_missing"]);
  });
});
