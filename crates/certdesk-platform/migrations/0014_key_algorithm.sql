-- Which signature each platform key makes (issue 11 item 3): Ed25519, or SM2 (GB/T 32918 with
-- SM3) for a deployment that requires it (`serve --key-algorithm sm2`). Keys made before: Ed25519.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE signing_keys ADD COLUMN algorithm TEXT NOT NULL DEFAULT 'ed25519'
    CHECK (algorithm IN ('ed25519', 'sm2'));
