import type { Alignment } from "../alignment.ts";
import type { Finding } from "./finding.ts";

// What every check reads, and what a check is.

export interface CheckContext {
  output: string;
  alignment: Alignment;
  // The evidence's source title and its sentence, quoted for rationales.
  sourceTitle: string;
  bestText: string;
  sourceFilter: ReadonlySet<number> | undefined;
}

export type Check = (context: CheckContext) => Finding[];
