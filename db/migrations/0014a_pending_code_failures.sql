-- 0014a: a pending two-factor sign-in counts its wrong codes; the fifth ends it.
ALTER TABLE sessions ADD COLUMN code_failures INTEGER NOT NULL DEFAULT 0;
