CREATE TABLE `semantic_judge_calls` (
	`organization_id` text NOT NULL,
	`review_run_id` text NOT NULL,
	`attempts` integer NOT NULL,
	`input_tokens` integer,
	`output_tokens` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `semantic_judge_calls_organization_idx` ON `semantic_judge_calls` (`organization_id`,`created_at`);