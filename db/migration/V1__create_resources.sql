-- PullBridge resources. Every resource table carries its status (phase, message, conditions, observed_at,
-- job_id), an optimistic-lock version that is also its ETag, and who created it.

create table registries (
    id              uuid primary key,
    name            text        not null,
    resource_id     text        not null,
    subscription_id uuid        not null,
    resource_group  text        not null,
    login_server    text        not null,
    tenant_id       uuid        not null,
    phase           text        not null,
    status_message  text,
    conditions      jsonb       not null default '[]',
    observed_at     timestamptz,
    job_id          uuid,
    version         bigint      not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    created_by      text        not null
);
-- ARM ids are case-insensitive: one registry row per Azure registry, however it was spelled.
create unique index registries_resource_id_uk on registries (lower(resource_id));
create index registries_created_at_idx on registries (created_at, id);

create table registry_tokens (
    id                    uuid primary key,
    registry_id           uuid        not null references registries (id) on delete restrict,
    name                  text        not null,
    repositories          jsonb       not null,
    password_lifetime     text        not null,
    credential_key_id     text,
    credential_ciphertext bytea,
    credential_expires_at timestamptz,
    credential_fingerprint text,
    phase                 text        not null,
    status_message        text,
    conditions            jsonb       not null default '[]',
    observed_at           timestamptz,
    job_id                uuid,
    version               bigint      not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    created_by            text        not null
);
create unique index registry_tokens_name_uk on registry_tokens (registry_id, lower(name));
create index registry_tokens_created_at_idx on registry_tokens (registry_id, created_at, id);

create table service_principals (
    id                    uuid primary key,
    mode                  text        not null check (mode in ('create', 'adopt')),
    display_name          text,
    app_id                uuid,
    object_id             uuid,
    tenant_id             uuid        not null,
    password_lifetime     text,
    credential_key_id     text,
    credential_ciphertext bytea,
    credential_expires_at timestamptz,
    credential_fingerprint text,
    phase                 text        not null,
    status_message        text,
    conditions            jsonb       not null default '[]',
    observed_at           timestamptz,
    job_id                uuid,
    version               bigint      not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    created_by            text        not null,
    check (mode = 'create' or (app_id is not null and object_id is not null))
);
create unique index service_principals_app_uk on service_principals (tenant_id, app_id) where app_id is not null;
create unique index service_principals_created_name_uk on service_principals (tenant_id, lower(display_name))
    where mode = 'create';
create index service_principals_created_at_idx on service_principals (created_at, id);

create table service_principal_grants (
    id                   uuid primary key,
    service_principal_id uuid not null references service_principals (id) on delete cascade,
    registry_id          uuid not null references registries (id) on delete restrict,
    role                 text not null check (role in ('acrpull', 'acrpush', 'owner')),
    phase                text not null,
    status_message       text,
    role_assignment_id   text,
    observed_at          timestamptz,
    position             int  not null,
    unique (service_principal_id, registry_id, role)
);
create index service_principal_grants_registry_idx on service_principal_grants (registry_id);

create table clusters (
    id                    uuid primary key,
    name                  text        not null,
    kind                  text        not null check (kind in ('aks', 'kubeconfig', 'arc')),
    resource_id           text,
    subscription_id       uuid,
    resource_group        text,
    kubeconfig_key_id     text,
    kubeconfig_ciphertext bytea,
    kubeconfig_fingerprint text,
    kubeconfig_server     text,
    service_cidr          text,
    phase                 text        not null,
    status_message        text,
    conditions            jsonb       not null default '[]',
    observed_at           timestamptz,
    job_id                uuid,
    version               bigint      not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    created_by            text        not null,
    check (kind = 'kubeconfig' or resource_id is not null),
    check (kind = 'aks' or kubeconfig_ciphertext is not null)
);
create unique index clusters_name_uk on clusters (lower(name));
create unique index clusters_resource_id_uk on clusters (lower(resource_id)) where resource_id is not null;
create index clusters_created_at_idx on clusters (created_at, id);

create table bindings (
    id                   uuid primary key,
    registry_id          uuid        not null references registries (id) on delete restrict,
    cluster_id           uuid        not null references clusters (id) on delete restrict,
    method               text        not null check (method in ('kubelet-identity', 'pull-secret', 'connected-registry')),
    secret_name          text,
    service_principal_id uuid references service_principals (id) on delete restrict,
    token_id             uuid references registry_tokens (id) on delete restrict,
    namespaces           jsonb       not null default '[]',
    namespace_selector   text,
    exclude_namespaces   jsonb       not null default '[]',
    service_accounts     jsonb       not null default '[]',
    connected_registry   jsonb,
    phase                text        not null,
    status_message       text,
    conditions           jsonb       not null default '[]',
    observed_at          timestamptz,
    job_id               uuid,
    version              bigint      not null,
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    created_by           text        not null,
    check (method <> 'pull-secret' or (service_principal_id is null) <> (token_id is null)),
    check (method = 'kubelet-identity' or secret_name is not null)
);
-- One binding per (registry, cluster, method, secret name); kubelet-identity bindings have no secret name.
create unique index bindings_target_uk on bindings (registry_id, cluster_id, method, coalesce(secret_name, ''));
create index bindings_cluster_idx on bindings (cluster_id);
create index bindings_service_principal_idx on bindings (service_principal_id) where service_principal_id is not null;
create index bindings_token_idx on bindings (token_id) where token_id is not null;
create index bindings_created_at_idx on bindings (created_at, id);

-- Jobs: the user-visible record of work against Azure and clusters (executed by the job engine).
create table jobs (
    id             uuid primary key,
    type           text        not null,
    target_kind    text        not null,
    target_id      uuid        not null,
    state          text        not null check (state in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts       int         not null default 0,
    steps          jsonb       not null default '[]',
    last_error     jsonb,
    requested_by   text        not null,
    request_id     text,
    created_at     timestamptz not null,
    started_at     timestamptz,
    finished_at    timestamptz,
    next_attempt_at timestamptz,
    version        bigint      not null default 0
);
create index jobs_created_at_idx on jobs (created_at, id);
create index jobs_target_idx on jobs (target_id, created_at);
create index jobs_state_idx on jobs (state, created_at);

create table audit_events (
    id            uuid primary key,
    occurred_at   timestamptz not null,
    actor         text        not null,
    action        text        not null,
    resource_kind text,
    resource_id   text,
    outcome       text        not null check (outcome in ('success', 'failure', 'denied')),
    http_status   int,
    request_id    text,
    detail        text
);
create index audit_events_occurred_at_idx on audit_events (occurred_at, id);
create index audit_events_actor_idx on audit_events (actor, occurred_at);
create index audit_events_resource_idx on audit_events (resource_id, occurred_at);

-- Idempotency-Key records: a keyed fingerprint of the request, never its body; the answer to replay.
create table idempotency_records (
    actor           text        not null,
    idempotency_key text        not null,
    fingerprint     text        not null,
    path            text        not null,
    created_at      timestamptz not null,
    completed_at    timestamptz,
    status          int,
    headers         text,
    body            bytea,
    primary key (actor, idempotency_key)
);
create index idempotency_records_created_at_idx on idempotency_records (created_at);
