CREATE TABLE `knowledge_edits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`action` text NOT NULL,
	`intent` text,
	`lang` text,
	`text` text,
	`actor` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `knowledge_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `training_phrases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`intent` text NOT NULL,
	`lang` text NOT NULL,
	`text` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `training_phrases_intent_idx` ON `training_phrases` (`intent`,`lang`);--> statement-breakpoint
ALTER TABLE `unanswered_questions` ADD `dismissed_at` integer;--> statement-breakpoint
ALTER TABLE `unanswered_questions` ADD `dismissed_by` text;