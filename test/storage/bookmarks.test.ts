import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bookmarkHeader, sessionStart } from "../../src/db/sessions.ts";
import { call, seedTenant } from "../helpers/harness.ts";
import { answered, createRun, SEED_PACKET, type Json } from "../helpers/runs.ts";

afterEach(() => vi.restoreAllMocks());

/** Where each D1 session of the primary started, in order. */
function sessionStarts(): string[] {
  const starts: string[] = [];
  const withSession = env.DB.withSession.bind(env.DB);
  vi.spyOn(env.DB, "withSession").mockImplementation((start) => {
    starts.push(start ?? "(none)");
    return withSession(start);
  });
  return starts;
}

describe("read-your-writes bookmarks", () => {
  it("answers a write with a bookmark, and a read sent with it starts no older than that bookmark", async () => {
    const tenant = await seedTenant();
    const starts = sessionStarts();
    const { response: created, body } = answered(await createRun(tenant, SEED_PACKET), 202);
    const written = created.headers.get("Kivo-Bookmark");
    expect(written).toEqual(expect.any(String));

    const read = await call(`/v1/review-runs/${body.review_run.id}`, { key: tenant.apiKey, headers: { "Kivo-Bookmark": written! } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as Json).id).toBe(body.review_run.id);
    const readBookmark = read.headers.get("Kivo-Bookmark");
    expect(readBookmark).toEqual(expect.any(String));
    expect(readBookmark! >= written!).toBe(true);

    // A read without one may start anywhere; one with a malformed header reads the primary.
    await call("/v1/review-runs", { key: tenant.apiKey });
    const odd = await call("/v1/review-runs", { key: tenant.apiKey, headers: { "Kivo-Bookmark": "not a bookmark" } });
    expect(odd.status).toBe(200);
    // D1 gets its own bookmark back, without the shard tag the header adds.
    expect(starts).toEqual(["first-primary", written!.slice(written!.indexOf(".") + 1), "first-unconstrained", "first-primary"]);
  });

  it("starts writes at the primary, reads after the client's bookmark of this shard, or anywhere", () => {
    const bookmark = "0000000a-00000002-00004e8e-0123456789abcdef0123456789abcdef";
    const header = bookmarkHeader("DB_SHARD_1", bookmark);
    expect(sessionStart("POST", header, "DB_SHARD_1")).toBe("first-primary");
    expect(sessionStart("DELETE", undefined, "DB_SHARD_1")).toBe("first-primary");
    expect(sessionStart("GET", header, "DB_SHARD_1")).toBe(bookmark);
    expect(sessionStart("GET", undefined, "DB_SHARD_1")).toBe("first-unconstrained");
    expect(sessionStart("GET", "'; DROP TABLE review_runs; --", "DB_SHARD_1")).toBe("first-primary");
    // A position in another database (kept from before the organization moved), or one that names no database, is never handed to D1.
    expect(sessionStart("GET", header, "DB")).toBe("first-primary");
    expect(sessionStart("GET", bookmark, "DB_SHARD_1")).toBe("first-primary");
    expect(sessionStart("GET", `.${bookmark}`, "DB_SHARD_1")).toBe("first-primary");
    expect(bookmarkHeader("DB", bookmark)).not.toBe(header);
  });
});
