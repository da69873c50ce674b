CREATE TABLE `desk_cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`escalation_id` integer NOT NULL,
	`channel` text NOT NULL,
	`card_ref` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`escalation_id`) REFERENCES `escalations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `desk_cards_ref_idx` ON `desk_cards` (`channel`,`card_ref`);--> statement-breakpoint
CREATE INDEX `desk_cards_escalation_idx` ON `desk_cards` (`escalation_id`);--> statement-breakpoint
CREATE TABLE `desk_cursors` (
	`channel` text PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL
);
