export * from "./tables/tenancy.ts";
export * from "./tables/review-runs.ts";
export * from "./tables/enterprise-worker.ts";
export * from "./tables/billing.ts";
export * from "./tables/imports.ts";
export * from "./tables/report-links.ts";
