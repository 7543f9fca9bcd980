import { createHash } from "node:crypto";

/** The hash format Kivo accepts for outputs, sources and artifacts: `sha256:<64 hex>` of the UTF-8 bytes. */
export const sha256Label = (content: string | Uint8Array): string => `sha256:${createHash("sha256").update(content).digest("hex")}`;
