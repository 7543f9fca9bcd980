// D1 read replication (docs/scale.md, "Reads close to the caller"). Each API
// request runs in one D1 session of its organization's shard. A read may be
// served by the nearest replica, but never by one older than the bookmark the
// client sends back from its last response, so a client always reads its own
// writes; a write request starts at the primary. The response carries the
// session's latest bookmark for the client's next request.

import { fnv1a } from "../lib/fnv.ts";
import { BOOKMARK_HEADER } from "../schemas/common.ts";

export { BOOKMARK_HEADER };

// D1 bookmarks are opaque; this only keeps arbitrary header text from reaching
// D1, which would fail the request instead of ignoring a stale hint.
const BOOKMARK_SHAPE = /^[0-9a-f]{8}(-[0-9a-f]{8,64}){1,7}$/i;

const READ_METHODS = new Set(["GET", "HEAD"]);

/** Requests that only read: they may start at a replica, and they go on while an organization's writes are paused. */
export const isReadMethod = (method: string) => READ_METHODS.has(method);

// A D1 bookmark is a position in one database. The header names the shard
// too, so a bookmark kept from before the organization moved to another
// shard is never handed to a database it does not describe (whether deployed
// D1 would ignore or refuse it is not knowable locally): `<shard tag>.<D1 bookmark>`.
// A short, stable name for the shard that does not spell its binding.
const shardTag = (shard: string): string => fnv1a(shard).toString(16).padStart(8, "0");

/** The `Kivo-Bookmark` header value for a D1 bookmark of `shard`. */
export function bookmarkHeader(shard: string, bookmark: string): string {
  return `${shardTag(shard)}.${bookmark}`;
}

/**
 * Where a request's session on `shard` starts: after the client's bookmark
 * for reads that send one, at any replica for other reads, at the primary for
 * writes. A bookmark that is malformed, untagged or of another shard is
 * treated as none sent, but read at the primary: the client asked for its
 * writes and the primary has them all.
 */
export function sessionStart(method: string, header: string | undefined, shard: string): D1SessionBookmark | D1SessionConstraint {
  if (!isReadMethod(method)) return "first-primary";
  if (header === undefined || header === "") return "first-unconstrained";
  const dot = header.indexOf(".");
  const bookmark = header.slice(dot + 1);
  return dot > 0 && header.slice(0, dot) === shardTag(shard) && BOOKMARK_SHAPE.test(bookmark) ? bookmark : "first-primary";
}

/** A session of the shard's database when it has them (D1 with the Sessions API), else the database itself. */
export function openSession(
  d1: D1Database,
  shard: string,
  method: string,
  header: string | undefined,
): { database: Pick<D1Database, "prepare" | "batch">; bookmark(): string | null } {
  if (typeof d1.withSession !== "function") return { database: d1, bookmark: () => null };
  const session = d1.withSession(sessionStart(method, header, shard));
  return {
    database: session,
    bookmark: () => {
      const bookmark = session.getBookmark();
      return bookmark ? bookmarkHeader(shard, bookmark) : null;
    },
  };
}
