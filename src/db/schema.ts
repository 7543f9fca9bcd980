export * from "./tables/tenancy.ts";
export * from "./tables/review-runs.ts";
