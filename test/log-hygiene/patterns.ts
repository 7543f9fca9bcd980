/**
 * What must never appear in a log line. The canaries are planted in test
 * outputs and sources (see canary.test.ts); the tour texts (README, "A 60-second tour") are the packets most
 * tests send.
 */
export const OUTPUT_CANARY = "Quillfeather-output-canary-5521";
export const SOURCE_CANARY = "Marrowlight-source-canary-8803";

export const LEAK_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: "API key", pattern: /kivo_(?:live|test)_[0-9A-Za-z]{32}/ },
  { name: "worker credential", pattern: /kivo_wrk_[0-9A-Za-z_-]{16,}/ },
  { name: "admin token", pattern: /test-admin-token|kivo_admin_[0-9A-Za-z]{16,}/ },
  // A report link's token: base64url of `{"lid":"rlink_…` and its signature.
  { name: "report link token", pattern: /eyJsaWQiOiJybGlua[0-9A-Za-z_-]*\.[0-9A-Za-z_-]{20,}/ },
  { name: "output canary", pattern: new RegExp(OUTPUT_CANARY) },
  { name: "source canary", pattern: new RegExp(SOURCE_CANARY) },
  { name: "tour output text", pattern: /refunds for any order within 60 days/ },
  { name: "tour source text", pattern: /may request a refund within 30 days of purchase/ },
];

export const LOG_REPORT = new URL("../../test-artifacts/log-hygiene.jsonl", import.meta.url).pathname;
