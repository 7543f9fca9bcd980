ALTER TABLE `review_runs` ADD `artifact_version` text;--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);