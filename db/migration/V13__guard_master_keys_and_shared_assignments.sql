-- One ciphertext per master key that has been current, written under that key at start-up. A replica whose master
-- key cannot decrypt the canary of its key id, or (for a key new to the database) the canary of a key it replaces,
-- refuses to start, naming both key ids; so does one configured without a key whose canary is still here. The
-- re-encryption of every stored secret under the current key removes the canaries of the keys it moved them from.
create table master_key_canaries (
    key_id     text primary key,
    ciphertext bytea       not null,
    created_at timestamptz not null
);

-- The key of the fingerprints users see (HMAC-SHA256 of a secret), kept encrypted under the master key so that a
-- change of master key changes no fingerprint; re-encrypted with every other secret. One row. 'derived': the
-- database already held fingerprints when this table came, made with a key derived from the master key, which the
-- first start after this migration derives and stores; 'random': a key generated at the first start.
create table fingerprint_key (
    id         boolean primary key default true check (id),
    origin     text        not null check (origin in ('derived', 'random')),
    key_id     text,
    ciphertext bytea,
    created_at timestamptz,
    check ((key_id is null) = (ciphertext is null))
);
insert into fingerprint_key (origin)
select 'derived'
where exists (select 1 from clusters) or exists (select 1 from service_principals)
   or exists (select 1 from registry_tokens) or exists (select 1 from bindings)
   or exists (select 1 from idempotency_records);

-- The role assignment a kubelet-identity binding's attach made or found, written under the assignment's advisory
-- lock as soon as Azure answered, before the job records it in kubelet_assignment: bindings that share a kubelet
-- identity share one assignment, and a detach leaves it in place while another live binding claims or holds it.
alter table bindings add column kubelet_claim text;
