/**
 * Strings that look like credentials. Metadata is stored and echoed back, so a
 * caller who pastes a key into it by mistake is told at once instead of having
 * the key kept by Kivo.
 */
const CREDENTIAL_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: "Kivo API key", pattern: /kivo_(?:live|test)_[0-9A-Za-z]{8,}/ },
  { name: "Kivo worker credential", pattern: /kivo_wrk_[0-9A-Za-z_-]{8,}/ },
  { name: "Stripe secret key", pattern: /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{8,}/ },
  { name: "bearer token", pattern: /\bbearer\s+[A-Za-z0-9._~+/=-]{16,}/i },
  { name: "private key", pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
  { name: "AWS access key", pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { name: "GitHub token", pattern: /\bgh[pousr]_[0-9A-Za-z]{30,}/ },
  { name: "Slack token", pattern: /\bxox[abprs]-[0-9A-Za-z-]{10,}/ },
];

export function credentialKind(value: string): string | null {
  for (const { name, pattern } of CREDENTIAL_PATTERNS) if (pattern.test(value)) return name;
  return null;
}
