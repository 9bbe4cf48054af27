-- As SQLite's migration 12: an account's e-mail address for alarm notifications.
ALTER TABLE accounts ADD COLUMN email TEXT;
