/**
 * Strings that look like credentials, in one list for both places that must
 * recognise them: metadata is refused when a value matches (it is stored and
 * echoed back, so a pasted key would be kept by Kivo), and the claim report
 * redacts matches from everything it quotes. Each pattern is the union of the
 * two lists these places used to keep apart, so neither catches less than
 * before. Pure, so the review engine may import it.
 */
export const CREDENTIAL_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: "Kivo API key", pattern: /kivo_(?:live|test)_[0-9A-Za-z._-]{8,}/ },
  { name: "Kivo worker credential", pattern: /kivo_wrk_[0-9A-Za-z._-]{8,}/ },
  { name: "Stripe secret key", pattern: /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{8,}/ },
  { name: "Stripe publishable key", pattern: /\bpk_(?:live|test)_[0-9A-Za-z]{8,}/ },
  { name: "bearer token", pattern: /\bbearer\s+[A-Za-z0-9._~+/=-]{16,}/i },
  // Up to the END line (or the end of the text), so redaction removes the key material too.
  { name: "private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/ },
  { name: "AWS access key", pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { name: "GitHub token", pattern: /\bgh[pousr]_[0-9A-Za-z]{30,}/ },
  { name: "Slack token", pattern: /\bxox[abposr]-[0-9A-Za-z-]{10,}/ },
];

/** The same patterns with the global flag, for replacing every match. */
export const CREDENTIAL_REDACTION_PATTERNS: readonly RegExp[] = CREDENTIAL_PATTERNS.map(
  ({ pattern }) => new RegExp(pattern.source, `${pattern.flags}g`),
);

export function credentialKind(value: string): string | null {
  for (const { name, pattern } of CREDENTIAL_PATTERNS) if (pattern.test(value)) return name;
  return null;
}
