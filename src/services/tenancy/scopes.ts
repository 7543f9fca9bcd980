export const SCOPES = [
  "review_runs:create",
  "review_runs:read",
  "imports:create",
  "private_worker_runs:create",
  "billing:read",
  "billing:write",
  "webhooks:write",
] as const;

export type Scope = (typeof SCOPES)[number];

export const isScope = (value: unknown): value is Scope =>
  typeof value === "string" && (SCOPES as readonly string[]).includes(value);
