CREATE TABLE `faq_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`intent` text NOT NULL,
	`position` integer NOT NULL,
	`answer_en` text NOT NULL,
	`answer_zh` text NOT NULL,
	`extra` text,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `faq_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` text NOT NULL,
	`lang` text NOT NULL,
	`text` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `faq_entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `faq_questions_entry_idx` ON `faq_questions` (`entry_id`,`lang`);--> statement-breakpoint
CREATE TABLE `knowledge_retrains` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version` integer NOT NULL,
	`candidate_score` real NOT NULL,
	`current_score` real NOT NULL,
	`details` text NOT NULL,
	`examples` integer NOT NULL,
	`train_ms` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `knowledge_edits` ADD `faq_id` text;