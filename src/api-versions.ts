/**
 * The one table of API versions. A version is named by the date it was
 * released; a request picks one with the `Kivo-Version` header (the latest
 * when absent) and every response names the one it was served with. A new
 * version is added only for a change that could break a working client;
 * additive changes (a new field, endpoint or error code) ship within the
 * current version and move the document's semver `info.version` on.
 * CHANGELOG.md holds the history; the deprecation policy is in the document's
 * "Versioning" guide (src/guides/).
 */
export interface ApiVersion {
  /** The `Kivo-Version` value: the release date, `YYYY-MM-DD`. */
  readonly version: string;
  readonly summary: string;
  /** When the version was announced deprecated (responses then carry `Deprecation`). */
  readonly deprecatedAt?: string;
  /** The date after which the version is no longer served (responses carry `Sunset`). */
  readonly sunsetAt?: string;
}

export const API_VERSIONS = [
  {
    version: "2026-11-22",
    summary: "The first dated version: review runs, imports, webhooks, reviewer links, the Enterprise Worker, billing and admin.",
  },
] as const satisfies readonly ApiVersion[];

export type ApiVersionName = (typeof API_VERSIONS)[number]["version"];

export const LATEST_API_VERSION: ApiVersionName = API_VERSIONS[API_VERSIONS.length - 1]!.version;

/**
 * The document's own version (semver, as client generators need): the major
 * is the `/v1` path, the minor moves with every additive change, the patch
 * with wording. See CHANGELOG.md.
 */
export const DOCUMENT_VERSION = "1.1.0";

export const API_VERSION_HEADER = "Kivo-Version";

export function findApiVersion(name: string): ApiVersion | undefined {
  return (API_VERSIONS as readonly ApiVersion[]).find((entry) => entry.version === name);
}
