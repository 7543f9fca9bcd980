CREATE TABLE `object_deletions` (
	`prefix` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `organizations` ADD `retention_days` integer;--> statement-breakpoint
CREATE INDEX `imports_status_updated_idx` ON `imports` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `report_links_run_idx` ON `report_links` (`review_run_id`);