import { describe, expect, it } from "vitest";
import { signatureHeader } from "../../../src/lib/webhook-signature.ts";
import { KivoWebhookSignatureError, constructWebhookEvent, verifyWebhookSignature } from "../src/index.ts";

// The SDK's verifier against headers made by Kivo's own signer.
const body = JSON.stringify({ id: "evt_01", type: "review_run.completed", data: { review_run_id: "run_1", safe_use_status: "needs_repair" } });
const now = 1_795_392_000;

describe("webhook signatures", () => {
  it("accepts Kivo's signature over the raw body, with either secret during a rotation", async () => {
    const header = await signatureHeader(["whsec_current", "whsec_previous"], body, now);
    expect(await verifyWebhookSignature(header, body, "whsec_current", { now })).toBe(true);
    expect(await verifyWebhookSignature(header, body, ["whsec_other", "whsec_previous"], { now: now + 299 })).toBe(true);
    expect((await constructWebhookEvent(body, header, "whsec_current", { now })).id).toBe("evt_01");
  });

  it("refuses a wrong secret, a changed body, an old or future timestamp and a malformed header", async () => {
    const header = await signatureHeader(["whsec_current"], body, now);
    expect(await verifyWebhookSignature(header, body, "whsec_wrong", { now })).toBe(false);
    expect(await verifyWebhookSignature(header, body.replace("needs_repair", "verified_for_use"), "whsec_current", { now })).toBe(false);
    expect(await verifyWebhookSignature(header, body, "whsec_current", { now: now + 301 })).toBe(false);
    expect(await verifyWebhookSignature(header, body, "whsec_current", { now: now - 301 })).toBe(false);
    expect(await verifyWebhookSignature(header, body, "whsec_current", { now: now + 3_600, toleranceSeconds: 7_200 })).toBe(true);
    for (const bad of [null, "", "t=abc,v1=00", `v1=${"0".repeat(64)}`, `t=${now}`]) {
      expect(await verifyWebhookSignature(bad, body, "whsec_current", { now })).toBe(false);
    }
    await expect(constructWebhookEvent(body, header, "whsec_wrong", { now })).rejects.toBeInstanceOf(KivoWebhookSignatureError);
  });
});
