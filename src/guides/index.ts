import { AUTHENTICATION } from "./authentication.ts";
import { IDEMPOTENCY, LIMITS_GUIDE, PAGINATION, RATE_LIMITS } from "./conventions.ts";
import { ERRORS_GUIDE } from "./errors.ts";
import { LIFECYCLE } from "./lifecycle.ts";
import { QUICKSTART } from "./quickstart.ts";
import { ENTERPRISE_WORKER_TAG, IMPORTS_TAG, REVIEW_RUNS_TAG, WEBHOOKS_TAG } from "./resources.ts";
import { VERSIONING } from "./versioning.ts";

// The guides the reference shows before the operations: the document's
// description (each `##` a section of the reference's introduction) and the
// opening of each tag. Values come from the tables the API enforces (errors,
// scopes, plans, input limits, versions), so the guides cannot drift from them.

const INTRODUCTION = `Kivo reviews one AI-generated output against the sources you supply: it extracts atomic claims, finds evidence for each in those sources, verifies support, checks citations, and compiles a claim report and a gate verdict for your intended use.

Every response carries a \`request_id\` (body and \`X-Request-Id\` header) and the \`Kivo-Version\` it was served with. The guides below cover what every operation shares; imports, webhooks and the Enterprise Worker open their own sections.`;

export const DOCUMENT_DESCRIPTION = [
  INTRODUCTION,
  QUICKSTART,
  AUTHENTICATION,
  LIFECYCLE,
  ERRORS_GUIDE,
  PAGINATION,
  IDEMPOTENCY,
  RATE_LIMITS,
  LIMITS_GUIDE,
  VERSIONING,
].join("\n\n");

export const TAG_DESCRIPTIONS = {
  "Review runs": REVIEW_RUNS_TAG,
  Imports: IMPORTS_TAG,
  Webhooks: WEBHOOKS_TAG,
  "Enterprise Worker": ENTERPRISE_WORKER_TAG,
} as const;
