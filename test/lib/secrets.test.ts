import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../src/errors.ts";
import { requireSecret } from "../../src/lib/secrets.ts";

describe("requireSecret", () => {
  afterEach(() => vi.restoreAllMocks());

  it("returns the configured secret", () => {
    expect(requireSecret("s3cret", "KIVO_SIGNING_SECRET", "unused")).toBe("s3cret");
  });

  it.each([
    ["KIVO_SIGNING_SECRET", "signing_secret_missing"],
    ["WORKER_CREDENTIAL_SECRET", "worker_credential_secret_missing"],
  ] as const)("answers 503 without %s and logs %s with the setting to add", (setting, event) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const missing of [undefined, ""]) {
      let thrown: unknown;
      try {
        requireSecret(missing, setting, "Pagination is not configured on this deployment.");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect({ code: (thrown as ApiError).code, status: (thrown as ApiError).status, message: (thrown as ApiError).message }).toEqual({
        code: "service_unavailable",
        status: 503,
        message: "Pagination is not configured on this deployment.",
      });
    }
    expect(logged.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
      { level: "error", event, need: setting },
      { level: "error", event, need: setting },
    ]);
  });
});
