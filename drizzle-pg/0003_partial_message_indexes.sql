DROP INDEX "messages_escalation_idx";--> statement-breakpoint
DROP INDEX "messages_platform_idx";--> statement-breakpoint
CREATE INDEX "messages_escalation_idx" ON "messages" USING btree ("escalation_id","id") WHERE "messages"."escalation_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_platform_idx" ON "messages" USING btree ("conversation_id","platform_message_id") WHERE "messages"."platform_message_id" is not null;