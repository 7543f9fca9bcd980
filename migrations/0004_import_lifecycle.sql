ALTER TABLE `imports` ADD `mapping` text;--> statement-breakpoint
CREATE INDEX `imports_project_status_created_idx` ON `imports` (`project_id`,`status`,`created_at`);