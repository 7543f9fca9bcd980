import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema.ts and applied by wrangler
// (`wrangler d1 migrations apply`), never pushed.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
