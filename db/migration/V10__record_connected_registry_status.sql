-- What a connected-registry binding's jobs found and keep: the extension's and the connected registry's state as
-- last read, which password slot of the sync and client tokens is current, and when the extension's deployment or
-- deletion began (their waits are bounded).
alter table bindings add column connected_registry_status jsonb;
-- The client token's current password, encrypted (AES-256-GCM, bound to the binding): pull secrets are rewritten
-- from it by reconciliation. The sync token's password is never stored; only the extension holds it.
alter table bindings
    add column client_token_key_id     text,
    add column client_token_ciphertext bytea;
