import { API_VERSIONS, DOCUMENT_VERSION, LATEST_API_VERSION } from "../api-versions.ts";

export const VERSIONING = `## Versioning

The path carries the major version (\`/v1\`). Within it, behaviour is versioned by date: send \`Kivo-Version: ${LATEST_API_VERSION}\` to pin the version your code was written against, and every answer names the version it was served with in its own \`Kivo-Version\` header. Without the header you get the latest. An unknown version answers \`400 unsupported_api_version\`, listing the versions served. The official SDKs send the version they were built for.

| version | what it is |
|---|---|
${[...API_VERSIONS].reverse().map((entry) => `| \`${entry.version}\` | ${entry.summary} |`).join("\n")}

**What makes a new version**: only a change that could break a working client — removing or renaming a field, changing a type, an enum value's meaning or a status code, adding a required request field. Additive changes ship within the current version: new endpoints, new optional request fields, new response fields, new error codes, new enum values in responses (so ignore fields you do not know, and treat an unknown enum value as "other"). This document's \`info.version\` (now \`${DOCUMENT_VERSION}\`, semver) moves with every change; \`info.x-kivo-version\` is the latest dated version. CHANGELOG.md in the repository lists every change under both.

**Deprecation policy**: a version is served for at least 12 months after the one that replaces it. It is announced deprecated at least 6 months before it stops: from then on its answers carry \`Deprecation\` (RFC 9745) and \`Sunset\` (RFC 8594) headers with the dates, the changelog names the replacement and what to change, and the date is kept. After the sunset date a request pinned to it answers \`400 unsupported_api_version\`. Security fixes may change behaviour in every version at once, and are always listed in the changelog.
`;
