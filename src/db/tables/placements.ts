import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
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

/**
 * An organization on its way from one shard to another (docs/scale.md,
 * "Moving an organization"; src/services/tenancy/shard-move.ts). Control
 * plane, primary only. While the row says `draining` or `copying`, the
 * organization's writes are refused with `503 organization_moving` and its
 * reads are served from `source`; the flip to `cleaning` and the placement's
 * switch to `target` are one batch. The row goes when the source is empty.
 */
export const organizationMoves = sqliteTable("organization_moves", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  source: text("source").notNull(),
  target: text("target").notNull(),
  phase: text("phase", { enum: ["draining", "copying", "cleaning"] }).notNull(),
  /** Writes started before the pause may still land on the source until then; the copy starts after it. */
  copyAfter: text("copy_after").notNull(),
  /** JSON: where the copy or the clean-up stopped, so the next step (or a step after a crash) carries on there. */
  cursor: text("cursor"),
  /** Rows copied (while copying) or deleted (while cleaning) so far. */
  rowsDone: integer("rows_done").notNull().default(0),
  startedAt: text("started_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});
