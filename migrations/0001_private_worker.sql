CREATE TABLE `private_worker_events` (
	`review_run_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`body_hash` text NOT NULL,
	`request_id` text NOT NULL,
	`occurred_at` text,
	`received_at` text NOT NULL,
	`result_status` text NOT NULL,
	PRIMARY KEY(`review_run_id`, `event_id`),
	FOREIGN KEY (`review_run_id`) REFERENCES `review_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `private_worker_runs` (
	`review_run_id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`customer_run_id` text NOT NULL,
	`workflow_id` text,
	`workflow_name` text,
	`source_hashes` text DEFAULT '[]' NOT NULL,
	`output_hash` text,
	`worker_id` text,
	`worker_version` text,
	`policy_version` text,
	`storage_pointers` text DEFAULT '[]' NOT NULL,
	`redacted_failure_categories` text DEFAULT '[]' NOT NULL,
	`artifact_summaries` text DEFAULT '[]' NOT NULL,
	`credential_id` text NOT NULL,
	`credential_expires_at` text NOT NULL,
	`credential_revoked_at` text,
	`credential_ttl_seconds` integer NOT NULL,
	`event_count` integer DEFAULT 0 NOT NULL,
	`last_event_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`review_run_id`) REFERENCES `review_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `private_worker_runs_project_customer_idx` ON `private_worker_runs` (`project_id`,`customer_run_id`);