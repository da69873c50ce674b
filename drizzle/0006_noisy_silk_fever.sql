DROP INDEX `outbox_due_idx`;--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `escalations_conversation_idx` ON `escalations` (`conversation_id`,`status`);--> statement-breakpoint
CREATE INDEX `messages_sender_window_idx` ON `messages` (`conversation_id`,`sender`,`created_at`);