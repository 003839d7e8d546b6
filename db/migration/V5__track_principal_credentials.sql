-- Service principals now run as jobs in Entra ID and Azure RBAC: record what each step made (so a rerun finds it
-- instead of making it twice), the Graph key ids and dates of passwords (so a rotation can retire the old one), and
-- the state of a rotation in progress. No secret is added: the old password of a rotation is never stored.
alter table service_principals
    -- The Graph application's object id (what addPassword and removePassword name), once known.
    add column application_object_id         uuid,
    -- When PullBridge created the service principal: the start of its propagation window.
    add column principal_created_at          timestamptz,
    -- Mode adopt: when PullBridge found the principal in Entra ID and filled in the id not given.
    add column looked_up_at                  timestamptz,
    -- When its create or adopt job first succeeded: its password may be handed out from then on.
    add column provisioned_at                timestamptz,
    -- The current password's Graph key id (null for an adopted principal's) and when it became current.
    add column credential_password_key_id    uuid,
    add column credential_created_at         timestamptz,
    -- The password a rotation replaces, until every user has switched and it is removed; never its secret.
    add column previous_password_key_id      uuid,
    add column previous_password_expires_at  timestamptz,
    add column previous_password_fingerprint text,
    add column rotation_started_at           timestamptz,
    add column rotation_deadline             timestamptz;

update service_principals set credential_created_at = created_at where credential_ciphertext is not null;

-- An adopted principal is named by its appId, its objectId or both; the job looks up the other.
alter table service_principals drop constraint service_principals_check;
alter table service_principals add constraint service_principals_adopted_id_check
    check (mode = 'create' or app_id is not null or object_id is not null);
create unique index service_principals_object_uk on service_principals (tenant_id, object_id)
    where object_id is not null;

-- Whether PullBridge made the role assignment (true) or adopted one that existed (false): only the former is
-- removed when the grant goes. A grant no longer wanted stays, in phase Deleting, until its assignment is removed.
alter table service_principal_grants add column assignment_created_by_pullbridge boolean;
