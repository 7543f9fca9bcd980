import type { SafeUseStatus, SupportStatus } from "../schemas/enums.ts";

// How statuses read to a person, in both reports: the markdown claim report
// (report.ts) and the reviewer page (services/report/html.ts). One table, so
// the two never name the same status differently.

export const SUPPORT_LABELS: Readonly<Record<SupportStatus, string>> = {
  supported: "Supported",
  partially_supported: "Partially supported",
  unsupported: "Unsupported",
  contradicted: "Contradicted",
  insufficient_context: "Insufficient context",
  not_checked: "Not checked",
};

export const SAFE_USE_LABELS: Readonly<Record<SafeUseStatus, string>> = {
  verified_for_use: "Verified for use",
  verified_with_limits: "Verified with limits",
  needs_review: "Needs review",
  needs_repair: "Needs repair",
  blocked: "Blocked",
};

/** A label in the markdown report's header style, every word capitalised ("Use status: Needs Repair"), as its published layout has it. */
export const headerCase = (label: string): string => label.replace(/(^|\s)(\p{Ll})/gu, (_, space: string, letter: string) => space + letter.toUpperCase());
