CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`display_prefix` text NOT NULL,
	`scopes` text NOT NULL,
	`rate_limit_per_minute` integer,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_project_idx` ON `api_keys` (`project_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`plan` text DEFAULT 'free' NOT NULL,
	`monthly_run_limit` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`name` text NOT NULL,
	`gate_mode` text DEFAULT 'advisory' NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `projects_organization_idx` ON `projects` (`organization_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`project_id` text NOT NULL,
	`key` text NOT NULL,
	`operation` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`project_id`, `operation`, `key`)
);
--> statement-breakpoint
CREATE TABLE `review_artifacts` (
	`review_run_id` text NOT NULL,
	`kind` text NOT NULL,
	`position` integer NOT NULL,
	`id` text NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`review_run_id`, `kind`, `position`),
	FOREIGN KEY (`review_run_id`) REFERENCES `review_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `review_run_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`review_run_id` text NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`uri` text,
	`citation_label` text,
	`media_type` text NOT NULL,
	`content_sha256` text NOT NULL,
	`content_length` integer NOT NULL,
	`r2_key` text NOT NULL,
	FOREIGN KEY (`review_run_id`) REFERENCES `review_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_run_sources_run_idx` ON `review_run_sources` (`review_run_id`,`position`);--> statement-breakpoint
CREATE TABLE `review_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`project_id` text NOT NULL,
	`status` text NOT NULL,
	`intended_use` text NOT NULL,
	`strictness` text NOT NULL,
	`capture_method` text NOT NULL,
	`title` text,
	`question` text,
	`ai_output` text,
	`metadata` text,
	`external_id` text,
	`import_id` text,
	`source_count` integer DEFAULT 0 NOT NULL,
	`claim_count` integer DEFAULT 0 NOT NULL,
	`unsupported_claim_count` integer DEFAULT 0 NOT NULL,
	`safe_use_status` text,
	`gate_verdict` text,
	`error_code` text,
	`error_message` text,
	`enqueue_count` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`started_at` text,
	`completed_at` text,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `review_runs_project_created_idx` ON `review_runs` (`project_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `review_runs_project_external_idx` ON `review_runs` (`project_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `review_runs_project_import_idx` ON `review_runs` (`project_id`,`import_id`);--> statement-breakpoint
CREATE INDEX `review_runs_status_updated_idx` ON `review_runs` (`status`,`updated_at`);