import { withoutInvisible } from "./unicode-fold.ts";

/**
 * Strings that look like credentials, in one list for both places that must
 * recognise them: metadata is refused when a value matches (it is stored and
 * echoed back, so a pasted key would be kept by Kivo), and the claim report
 * redacts matches from everything it quotes. Each pattern is the union of the
 * two lists these places used to keep apart, so neither catches less than
 * before. Pure, so the review engine may import it.
 */
export const CREDENTIAL_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  // Kivo's own secrets in any case: a key upper-cased by a spreadsheet is still the key.
  { name: "Kivo API key", pattern: /kivo_(?:live|test)_[0-9A-Za-z._-]{8,}/i },
  { name: "Kivo worker credential", pattern: /kivo_wrk_[0-9A-Za-z._-]{8,}/i },
  { name: "Kivo admin token", pattern: /kivo_admin_[0-9A-Za-z._-]{8,}/i },
  { name: "Stripe secret key", pattern: /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{8,}/ },
  { name: "Stripe publishable key", pattern: /\bpk_(?:live|test)_[0-9A-Za-z]{8,}/ },
  { name: "Stripe webhook secret", pattern: /\bwhsec_[0-9A-Za-z+/=]{16,}/ },
  { name: "Anthropic API key", pattern: /\bsk-ant-[0-9A-Za-z_-]{20,}/ },
  { name: "OpenAI API key", pattern: /\bsk-(?:proj-|svcacct-|admin-|None-)?[0-9A-Za-z_-]{20,}/ },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}/ },
  { name: "JSON web token", pattern: /\beyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}/ },
  { name: "bearer token", pattern: /\bbearer\s+[A-Za-z0-9._~+/=-]{16,}/i },
  // Up to the END line (or the end of the text), so redaction removes the key material too.
  { name: "private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/ },
  { name: "AWS access key", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: "GitHub token", pattern: /\b(?:gh[pousr]_[0-9A-Za-z]{30,}|github_pat_[0-9A-Za-z_]{40,})/ },
  { name: "Slack token", pattern: /\bxox[abposr]-[0-9A-Za-z-]{10,}/ },
  // Database and service URLs with a password in them (`postgres://user:secret@host`).
  { name: "URL with a password", pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/?#@]+:[^\s/?#@]+@[^\s/?#@]+/i },
];

/** The same patterns with the global flag, for replacing every match. */
export const CREDENTIAL_REDACTION_PATTERNS: readonly RegExp[] = CREDENTIAL_PATTERNS.map(
  ({ pattern }) => new RegExp(pattern.source, `${pattern.flags}g`),
);

/**
 * The kind of credential the text contains, or null. Checked on the text as a
 * person would read it (NFKC, invisible characters removed), so a key split by
 * U+200B or typed in full-width letters is still found.
 */
export function credentialKind(value: string): string | null {
  const readable = withoutInvisible(value.normalize("NFKC"));
  for (const { name, pattern } of CREDENTIAL_PATTERNS) if (pattern.test(readable)) return name;
  return null;
}

/** The one message every refusal uses, so clients can recognise it. */
export const credentialMessage = (kind: string, where = "metadata") => `Looks like a ${kind}; do not put credentials in ${where}.`;

/**
 * A zod `superRefine` callback for stored ID and label fields: a credential
 * pasted into `external_id` or `worker_id` would be kept and echoed back just
 * like one in metadata.
 */
export function refuseCredential(value: string, ctx: { addIssue(issue: { code: "custom"; message: string }): void }): void {
  const kind = credentialKind(value);
  if (kind) ctx.addIssue({ code: "custom", message: credentialMessage(kind, "IDs or labels") });
}
