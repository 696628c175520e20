CREATE TABLE `api_rate_limits` (
	`token_id` integer PRIMARY KEY NOT NULL,
	`window_started_at` integer NOT NULL,
	`count` integer NOT NULL,
	FOREIGN KEY (`token_id`) REFERENCES `api_tokens`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `instances` (
	`id` text PRIMARY KEY NOT NULL,
	`hostname` text NOT NULL,
	`pid` integer NOT NULL,
	`started_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`auth_secret_fingerprint` text NOT NULL,
	`encryption_key_fingerprint` text NOT NULL,
	`server_actions_key_fingerprint` text NOT NULL,
	`build_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `instances_last_seen_idx` ON `instances` (`last_seen_at`);