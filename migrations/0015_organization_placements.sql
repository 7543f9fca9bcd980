CREATE TABLE `organization_placements` (
	`organization_id` text PRIMARY KEY NOT NULL,
	`shard` text NOT NULL,
	`placed_at` text NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
