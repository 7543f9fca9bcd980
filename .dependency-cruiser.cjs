/**
 * The house plan (README, "Layout"): imports point down, so a reader can find
 * behaviour from folder names and a change in one layer cannot loop back.
 * `npm test` runs this through `npm run lint:deps`.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle ties modules together so neither can be understood or moved alone.",
      from: {},
      to: { circular: true },
    },
    {
      name: "services-not-to-http",
      severity: "error",
      comment: "Services serve routes, queues and cron alike; HTTP concerns stay in routes/ and middleware/. Shared shapes live in schemas/.",
      from: { path: "^src/services/" },
      to: { path: "^src/(routes|middleware)/" },
    },
    {
      name: "schemas-are-leaves",
      severity: "error",
      comment: "The wire vocabulary is zod plus pure helpers, so every layer can import it without pulling in I/O.",
      from: { path: "^src/schemas/" },
      to: { path: "^src/", pathNot: "^src/(schemas|lib)/" },
    },
    {
      name: "lib-is-pure",
      severity: "error",
      comment: "Pure helpers may throw the table's ApiError and use the ID helpers; nothing else of ours.",
      from: { path: "^src/lib/" },
      to: { path: "^src/", pathNot: "^src/(lib/|errors\\.ts$|ids\\.ts$)" },
    },
    {
      name: "errors-and-ids-are-leaves",
      severity: "error",
      comment: "lib/ depends on these two, so they must depend on nothing of ours.",
      from: { path: "^src/(errors|ids)\\.ts$" },
      to: { path: "^src/" },
    },
    {
      name: "review-engine-is-pure",
      severity: "error",
      comment: "The engine runs in the Worker and in kivo-worker on a customer's machine: no bindings, storage or HTTP.",
      from: { path: "^src/review/" },
      to: { path: "^src/(services|db|routes|middleware|durable-objects|queues|worker-cli)/|^src/(env|app|index|openapi)\\.ts$" },
    },
    {
      name: "routes-not-to-storage",
      severity: "error",
      comment:
        "Routes validate, authorize, call a service and shape the answer; queries live in services and their stores. A route hands them the request context (middleware/auth.ts: tenantOf, tenantDbOf, controlDbOf) or c.env.",
      from: { path: "^src/routes/" },
      to: { path: "^src/db/|(^|/)node_modules/drizzle-orm/" },
    },
    {
      name: "one-database-client",
      severity: "error",
      comment: "Every drizzle client is built by db/client.ts (database), so every query goes through the one schema and the D1 surface Kivo uses.",
      from: { path: "^src/", pathNot: "^src/db/client\\.ts$" },
      to: { path: "(^|/)node_modules/drizzle-orm/d1/" },
    },
    {
      name: "src-not-to-tooling",
      severity: "error",
      comment: "Tests and scripts depend on the app, never the other way round.",
      from: { path: "^src/" },
      to: { path: "^(test|scripts|bin)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
