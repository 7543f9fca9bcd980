import type { Bindings } from "../env.ts";

/**
 * The monthly review-run allowance (SPEC §10). Every run-creating path
 * reserves before it writes anything and releases if creation then fails, so
 * a refused or failed request leaves the counter as it was.
 */
export interface AllowanceReservation {
  /** Gives the reserved runs back (creation failed after the reservation). */
  release(): Promise<void>;
}

/**
 * Reserves `count` runs for the organization, or throws
 * `ApiError("usage_limit_exceeded")` when that would pass the limit.
 *
 * Until the limits issue lands this admits everything: the seam exists so the
 * create paths already call it in the right place.
 */
export async function reserveReviewRuns(
  _env: Bindings,
  _organizationId: string,
  _count: number,
): Promise<AllowanceReservation> {
  return { release: async () => undefined };
}
