import type { Scope } from "../../services/tenancy/scopes.ts";

/** Imports and their results are review output: a read-only key reads them, and so does the key that created them. */
export const IMPORT_READ_SCOPES = ["review_runs:read", "imports:create"] as const satisfies readonly Scope[];
