CREATE TABLE `known_browsers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`user_agent` text,
	`ip` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `known_browsers_user_token_unique` ON `known_browsers` (`user_id`,`token_hash`);--> statement-breakpoint
ALTER TABLE `organisations` ADD `session_idle_minutes` integer DEFAULT 20160 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `password_failure_limit` integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `account_failure_limit` integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `failure_window_minutes` integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `second_factor_failure_limit` integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `second_factor_lockout_limit` integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `duo_bypass_at_sign_in` text DEFAULT 'refuse' NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `authenticated_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `second_factor_consecutive_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `second_factor_locked_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `sign_in_alerts` integer DEFAULT true NOT NULL;