ALTER TABLE `review_runs` ADD `sources` text;--> statement-breakpoint
UPDATE `review_runs` SET `sources` = (
	SELECT json_group_array(json_object('title', s.title, 'uri', s.uri, 'citation_label', s.citation_label, 'media_type', s.media_type, 'content_sha256', s.content_sha256, 'content_length', s.content_length))
	FROM (SELECT * FROM `review_run_sources` WHERE `review_run_id` = `review_runs`.`id` ORDER BY `position`) s
) WHERE `capture_method` != 'private_worker';--> statement-breakpoint
DROP TABLE `review_run_sources`;--> statement-breakpoint
DROP INDEX `review_runs_project_external_idx`;--> statement-breakpoint
DROP INDEX `review_runs_project_import_idx`;--> statement-breakpoint
DROP INDEX `review_runs_status_updated_idx`;--> statement-breakpoint
CREATE INDEX `review_runs_project_external_idx` ON `review_runs` (`project_id`,`external_id`,`created_at`,`id`) WHERE external_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `review_runs_project_import_idx` ON `review_runs` (`project_id`,`import_id`,`created_at`,`id`) WHERE import_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `review_runs_status_updated_idx` ON `review_runs` (`status`,`updated_at`) WHERE status IN ('queued', 'processing');
