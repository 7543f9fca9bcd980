/** This package's version (semver; it moves on its own schedule). */
export const SDK_VERSION = "0.1.0";
/**
 * The `info.version` of the OpenAPI document `src/schema.d.ts` was generated
 * from: the API version these types describe. A test fails when the two drift.
 */
export const API_VERSION = "2026-11-22";
