CREATE TABLE `rate_buckets` (
	`key` text PRIMARY KEY NOT NULL,
	`tokens` real NOT NULL,
	`updated_at` integer NOT NULL,
	`verdict` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_buckets_updated_idx` ON `rate_buckets` (`updated_at`);