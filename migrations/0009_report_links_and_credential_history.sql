CREATE TABLE `private_worker_credentials` (
	`credential_id` text PRIMARY KEY NOT NULL,
	`review_run_id` text NOT NULL,
	`project_id` text NOT NULL,
	`issued_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ended_at` text,
	`end_reason` text,
	FOREIGN KEY (`review_run_id`) REFERENCES `review_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `private_worker_credentials_run_idx` ON `private_worker_credentials` (`review_run_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `report_links` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`review_run_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`review_run_id`) REFERENCES `review_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `report_links_project_run_idx` ON `report_links` (`project_id`,`review_run_id`);