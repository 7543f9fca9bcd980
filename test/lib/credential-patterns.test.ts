import { describe, expect, it } from "vitest";
import { CREDENTIAL_REDACTION_PATTERNS, credentialKind } from "../../src/lib/credential-patterns.ts";
import { MetadataInputSchema } from "../../src/schemas/review-run-input.ts";
import { REFUND_POLICY, review } from "../review/review-input.ts";

// One sample per pattern, including those only one of the two former lists
// caught (marked): the merged list must catch all of them in both places.
const SAMPLES: readonly [sample: string, kind: string][] = [
  ["kivo_live_abcdef1234567890", "Kivo API key"],
  ["kivo_test_ab.cd-ef_12345", "Kivo API key"], // report only: `.`, `-`, `_` in the secret
  ["kivo_wrk_abcdEFGH1234-_x", "Kivo worker credential"],
  ["sk_live_abcdef1234567890", "Stripe secret key"],
  ["rk_test_abcdef1234567890", "Stripe secret key"],
  ["pk_live_abcdef1234567890", "Stripe publishable key"], // report only
  ["Bearer abcdefghijklmnop1234", "bearer token"],
  ["bearer abcdefghijklmnop1234", "bearer token"], // metadata only: lower case
  ["-----BEGIN PRIVATE KEY-----", "private key"],
  ["-----BEGIN ENCRYPTED RSA PRIVATE KEY-----", "private key"], // report only: two words before PRIVATE
  ["AKIAABCDEFGHIJKLMNOP", "AWS access key"],
  [`ghp_${"a1B2".repeat(9)}`, "GitHub token"],
  [`ghp_${"a1B2".repeat(9)}_x`, "GitHub token"], // metadata only: no word boundary after the token
  ["xoxb-1234567890-abcdef", "Slack token"],
  ["xoxs-1234567890-abcdef", "Slack token"],
  ["xoxo-1234567890-abcdef", "Slack token"], // report only
  // Shapes neither list knew (issue 14, item 3).
  ["KIVO_LIVE_ABCDEF1234567890", "Kivo API key"],
  [`kivo_admin_${"a1B2".repeat(8)}`, "Kivo admin token"],
  [`whsec_${"a1B2".repeat(8)}`, "Stripe webhook secret"],
  [`sk-proj-${"a1B2_c3D4-".repeat(4)}`, "OpenAI API key"],
  [`sk-${"a1B2c3D4".repeat(4)}`, "OpenAI API key"],
  [`sk-ant-api03-${"a1B2c3D4".repeat(4)}`, "Anthropic API key"],
  ["AIzaSy0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV", "Google API key"],
  ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "JSON web token"],
  ["postgres://kivo:s3cret-pw@db.internal:5432/kivo", "URL with a password"],
  ["mongodb+srv://admin:hunter2@cluster0.example.net", "URL with a password"],
  ["ASIAABCDEFGHIJKLMNOP", "AWS access key"],
];

/** The same secrets as a person would paste them after a trip through a chat app or a spreadsheet. */
const DISGUISED: readonly [disguised: string, kind: string][] = [
  ["kivo_live_abcd\u200befgh1234567890", "Kivo API key"],
  ["kivo\u2060_live_\u00adabcdef1234567890", "Kivo API key"],
  ["\uff4b\uff49\uff56\uff4f_live_abcdef1234567890", "Kivo API key"], // full-width "kivo"
  ["sk_live_abc\ufeffdef1234567890", "Stripe secret key"],
  ["AKIA\u200dABCDEFGHIJKLMNOP", "AWS access key"],
];

const redact = (text: string) => CREDENTIAL_REDACTION_PATTERNS.reduce((out, pattern) => out.replace(pattern, "[redacted]"), text);

describe("credential patterns", () => {
  it.each(SAMPLES)("names %s as a %s", (sample, kind) => {
    expect(credentialKind(`value: ${sample} end`)).toBe(kind);
  });

  it.each(DISGUISED)("sees through invisible characters and width in %j", (disguised, kind) => {
    expect(credentialKind(`value: ${disguised} end`)).toBe(kind);
  });

  it.each(SAMPLES)("redacts %s", (sample) => {
    expect(redact(`value: ${sample} end`)).not.toContain(sample);
  });

  it.each([
    "kivo_live_short",
    "sk_live_1234",
    "the bearer of bad news",
    "xoxb-123",
    "AKIA1234",
    "plain text",
    "sk-learn is a library",
    "https://docs.example.com/path?q=1",
    "mailto:support@example.com",
    "eyJhbGciOiJIUzI1NiJ9 alone",
  ])(
    "leaves %s alone",
    (text) => {
      expect(credentialKind(text)).toBeNull();
      expect(redact(text)).toBe(text);
    },
  );

  it("redacts a private key through its END line, key material included", () => {
    const key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretmaterial\n-----END RSA PRIVATE KEY-----";
    expect(redact(`before ${key} after`)).toBe("before [redacted] after");
  });

  it("refuses in metadata what only the report used to catch", () => {
    const parsed = MetadataInputSchema.safeParse({ key: "pk_live_abcdef1234567890", note: "xoxo-1234567890-abcdef" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["key", "Looks like a Stripe publishable key; do not put credentials in metadata."],
      ["note", "Looks like a Slack token; do not put credentials in metadata."],
    ]);
  });

  it("redacts from the claim report what only metadata used to catch", () => {
    const token = "bearer abcdefghijklmnop1234";
    const report = review(`Send ${token} to request a refund within 90 days.`, [REFUND_POLICY]).claim_report;
    expect(report.metadata.leakage_check.passed).toBe(false);
    expect(JSON.stringify(report)).not.toContain(token);
  });
});
