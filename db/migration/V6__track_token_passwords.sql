-- A registry token has two password slots in ACR. PullBridge keeps one current password (its slot, and when it was
-- generated, so automatic rotation can act at a fraction of its lifetime). While a rotation waits for every user to
-- hold the new password, the previous one still works: its slot and when the wait began (the wait is bounded).
alter table registry_tokens
    add column credential_slot       text check (credential_slot in ('password1', 'password2')),
    add column credential_created_at timestamptz,
    add column retiring_slot         text check (retiring_slot in ('password1', 'password2')),
    add column rotation_started_at   timestamptz;
