-- A connected-registry binding's sync token password, encrypted (AES-256-GCM, bound to the binding), held only while
-- the extension is being given it: from the deploy until the job that deployed it sees the extension succeed or fail.
-- A job that waited for the extension resumes without it in memory; it needs the password to mask it in what Azure
-- reports (errorInfo, statuses, Helm output) before that text reaches a job, a status or a log. Cleared once the
-- extension holds it; afterwards only the extension has it, as before.
alter table bindings
    add column sync_token_key_id     text,
    add column sync_token_ciphertext bytea;
