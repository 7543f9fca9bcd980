// D1 read replication (docs/scale.md, "Reads close to the caller"). Each API
// request runs in one D1 session of its organization's shard. A read may be
// served by the nearest replica, but never by one older than the bookmark the
// client sends back from its last response, so a client always reads its own
// writes; a write request starts at the primary. The response carries the
// session's latest bookmark for the client's next request.

import { BOOKMARK_HEADER } from "../schemas/common.ts";

export { BOOKMARK_HEADER };

// D1 bookmarks are opaque; this only keeps arbitrary header text from reaching
// D1, which would fail the request instead of ignoring a stale hint.
const BOOKMARK_SHAPE = /^[0-9a-f]{8}(-[0-9a-f]{8,64}){1,7}$/i;

const READ_METHODS = new Set(["GET", "HEAD"]);

/** Requests that only read: they may start at a replica, and they go on while an organization's writes are paused. */
export const isReadMethod = (method: string) => READ_METHODS.has(method);

/**
 * Where a request's session starts: after the client's bookmark for reads
 * that send one, at any replica for other reads, at the primary for writes.
 * A malformed bookmark is treated as none sent, but read at the primary: the
 * client asked for its writes and the primary has them all.
 */
export function sessionStart(method: string, bookmark: string | undefined): D1SessionBookmark | D1SessionConstraint {
  if (!isReadMethod(method)) return "first-primary";
  if (bookmark === undefined || bookmark === "") return "first-unconstrained";
  return BOOKMARK_SHAPE.test(bookmark) ? bookmark : "first-primary";
}

/** A session of the database when it has them (D1 with the Sessions API), else the database itself. */
export function openSession(d1: D1Database, method: string, bookmark: string | undefined): { database: Pick<D1Database, "prepare" | "batch">; bookmark(): string | null } {
  if (typeof d1.withSession !== "function") return { database: d1, bookmark: () => null };
  const session = d1.withSession(sessionStart(method, bookmark));
  return { database: session, bookmark: () => session.getBookmark() };
}
