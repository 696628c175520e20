CREATE TABLE `duo_auth_states` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`session_token_hash` text NOT NULL,
	`state_hash` text NOT NULL,
	`purpose` text NOT NULL,
	`remember_browser` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `duo_auth_states_state_hash_unique` ON `duo_auth_states` (`state_hash`);--> statement-breakpoint
CREATE INDEX `duo_auth_states_session_idx` ON `duo_auth_states` (`session_token_hash`);--> statement-breakpoint
CREATE TABLE `email_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`token_hash` text NOT NULL,
	`session_token_hash` text,
	`created_by_user_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_links_token_hash_unique` ON `email_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `email_links_user_purpose_idx` ON `email_links` (`user_id`,`purpose`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `hint` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `created_by_user_id` integer REFERENCES users(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `required_setup_flow` text DEFAULT 'on_screen' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `duo_enabled_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `sso_issuer` text;--> statement-breakpoint
ALTER TABLE `users` ADD `sso_subject` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_sso_identity_unique` ON `users` (`sso_issuer`,`sso_subject`);