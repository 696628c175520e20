CREATE TABLE `one_time_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`session_token_hash` text NOT NULL,
	`code_hash` text NOT NULL,
	`channel` text NOT NULL,
	`destination` text NOT NULL,
	`fallback_reason` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`voided_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `one_time_codes_session_idx` ON `one_time_codes` (`session_token_hash`,`purpose`);--> statement-breakpoint
CREATE INDEX `one_time_codes_user_time_idx` ON `one_time_codes` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `one_time_codes_organisation_time_idx` ON `one_time_codes` (`organisation_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `codes_enabled_at` integer;