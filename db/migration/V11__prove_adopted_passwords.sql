-- An adopted principal's password is proven by signing in with it before anything uses it.
alter table service_principals
    -- When Entra ID last accepted the current password in a sign-in by PullBridge; null until then. Adopted
    -- principals registered before this migration are proven by their next adopt or grants job.
    add column credential_verified_at timestamptz,
    -- A new password given to :rotate for an adopted principal, waiting for its rotate job to prove it. It becomes
    -- current only then; a password Entra ID refuses is dropped and the current one stays. Encrypted like the current
    -- one, under the same row-bound context.
    add column pending_key_id          text,
    add column pending_ciphertext      bytea,
    add column pending_fingerprint     text,
    add column pending_expires_at      timestamptz,
    add column pending_given_at        timestamptz;
