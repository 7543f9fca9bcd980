import { env } from "cloudflare:workers";
import { applyD1Migrations } from "cloudflare:test";

// Storage is isolated per test file; migrations are idempotent across files.
// Every shard has the same schema (src/db/shards.ts).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.DB_SHARD_1, env.TEST_MIGRATIONS);
