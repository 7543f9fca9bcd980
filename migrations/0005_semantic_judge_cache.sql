CREATE TABLE `semantic_judge_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`answer` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `semantic_judge_cache_created_idx` ON `semantic_judge_cache` (`created_at`);