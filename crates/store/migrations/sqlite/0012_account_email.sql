-- Where alarm notifications reach a person by e-mail (optional).
ALTER TABLE accounts ADD COLUMN email TEXT;
