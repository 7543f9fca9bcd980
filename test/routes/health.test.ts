import { describe, expect, it } from "vitest";
import { call } from "../helpers/harness.ts";

describe("GET /healthz", () => {
  it("answers without authentication and carries a request ID", async () => {
    const response = await call("/healthz");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; request_id: string };
    expect(body.status).toBe("ok");
    expect(body.request_id).toMatch(/^req_[0-9a-z]{26}$/);
    expect(response.headers.get("X-Request-Id")).toBe(body.request_id);
  });
});
