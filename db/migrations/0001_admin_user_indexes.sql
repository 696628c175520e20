DROP INDEX `users_organisation_name_idx`;--> statement-breakpoint
DROP INDEX `users_organisation_email_idx`;--> statement-breakpoint
CREATE INDEX `users_organisation_name_nocase_idx` ON `users` (`organisation_id`,"name" collate nocase);--> statement-breakpoint
CREATE INDEX `users_organisation_email_nocase_idx` ON `users` (`organisation_id`,"email" collate nocase);--> statement-breakpoint
CREATE INDEX `users_organisation_last_sign_in_idx` ON `users` (`organisation_id`,`last_sign_in_at`);--> statement-breakpoint
CREATE INDEX `users_organisation_created_idx` ON `users` (`organisation_id`,`created_at`);