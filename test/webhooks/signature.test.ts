import { describe, expect, it } from "vitest";
import { webhookAddressProblem } from "../../src/lib/webhook-address.ts";
import { signatureHeader, verifySignature } from "../../src/lib/webhook-signature.ts";

const body = '{"id":"evt_1","type":"import.completed"}';
const now = 1_780_000_000;

describe("Kivo-Signature", () => {
  it("verifies with the right secret, and not with a wrong one, an altered body or an old timestamp", async () => {
    const header = await signatureHeader(["whsec_right"], body, now);
    expect(header).toMatch(/^t=1780000000,v1=[0-9a-f]{64}$/);
    expect(await verifySignature(header, body, ["whsec_right"], { now })).toBe(true);
    expect(await verifySignature(header, body, ["whsec_wrong"], { now })).toBe(false);
    expect(await verifySignature(header, body.replace("completed", "failed"), ["whsec_right"], { now })).toBe(false);
    expect(await verifySignature(header, body, ["whsec_right"], { now: now + 301 })).toBe(false);
    expect(await verifySignature(header, body, ["whsec_right"], { now: now + 299 })).toBe(true);
    expect(await verifySignature(header.replace(/t=\d+/, `t=${now + 1}`), body, ["whsec_right"], { now })).toBe(false);
    expect(await verifySignature(null, body, ["whsec_right"], { now })).toBe(false);
    expect(await verifySignature("t=abc,v1=", body, ["whsec_right"], { now })).toBe(false);
  });

  it("carries one v1 per secret during a rotation, so either secret verifies", async () => {
    const header = await signatureHeader(["whsec_new", "whsec_old"], body, now);
    expect(header.split(",").filter((part) => part.startsWith("v1="))).toHaveLength(2);
    expect(await verifySignature(header, body, ["whsec_old"], { now })).toBe(true);
    expect(await verifySignature(header, body, ["whsec_new"], { now })).toBe(true);
    expect(await verifySignature(header, body, ["whsec_other"], { now })).toBe(false);
  });
});

describe("webhook addresses", () => {
  const production = { allowLoopback: false };
  it.each([
    ["https://hooks.example.com/kivo", null],
    ["https://203.0.113.10/hook", null],
    ["http://hooks.example.com/kivo", "https"],
    ["https://localhost/hook", "local"],
    ["https://api.localhost/hook", "local"],
    ["https://printer.local/hook", "local"],
    ["https://10.0.0.8/hook", "private"],
    ["https://172.20.1.1/hook", "private"],
    ["https://192.168.1.1/hook", "private"],
    ["https://127.0.0.1/hook", "private"],
    ["https://169.254.169.254/latest/meta-data", "private"],
    ["https://100.64.0.1/hook", "private"],
    ["https://0.0.0.0/hook", "private"],
    ["https://[::1]/hook", "private"],
    ["https://[fe80::1]/hook", "private"],
    ["https://[fd00::1]/hook", "private"],
    ["https://[::ffff:10.0.0.1]/hook", "private"],
    ["https://user:pass@hooks.example.com/", "credentials"],
    ["https://intranet/hook", "public host"],
    ["ftp://hooks.example.com/", "https"],
    ["not a url", "Not a URL"],
  ])("%s", (url, problem) => {
    const found = webhookAddressProblem(url, production);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("allows plain-HTTP loopback only when the policy allows it, and nothing else private", () => {
    const development = { allowLoopback: true };
    expect(webhookAddressProblem("http://127.0.0.1:8788/hook", development)).toBeNull();
    expect(webhookAddressProblem("http://localhost:8788/hook", development)).toBeNull();
    expect(webhookAddressProblem("http://127.0.0.1:8788/hook", production)).toContain("https");
    expect(webhookAddressProblem("http://10.0.0.8/hook", development)).toContain("https");
    expect(webhookAddressProblem("https://192.168.1.1/hook", development)).toContain("private");
  });
});
