import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organizations } from "./tenancy.ts";

/**
 * Which D1 database holds an organization's data (docs/scale.md, "Shards").
 * Control plane: lives in the primary database only. An organization without
 * a row is on the primary, which is every organization of a single-database
 * deployment and every one created before placements existed.
 */
export const organizationPlacements = sqliteTable("organization_placements", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  /** The binding name of the shard (`DB`, `DB_SHARD_1`, …), declared in wrangler.toml. */
  shard: text("shard").notNull(),
  placedAt: text("placed_at").notNull(),
});
