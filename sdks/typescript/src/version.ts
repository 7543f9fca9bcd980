/** This package's version (semver; it moves on its own schedule). */
export const SDK_VERSION = "0.2.0";
/**
 * The `info.version` (semver) of the OpenAPI document `src/schema.d.ts` was
 * generated from. A test fails when the two drift.
 */
export const API_VERSION = "1.1.0";
/**
 * The dated API version (`info.x-kivo-version`) these types describe, sent as
 * `Kivo-Version` on every request: a newer Kivo keeps answering as this
 * version did until the SDK moves on.
 */
export const KIVO_VERSION = "2026-11-22";
