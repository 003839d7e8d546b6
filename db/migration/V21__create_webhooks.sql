-- Webhook subscriptions (issue 15): where PullBridge sends signed CloudEvents, the events themselves (an outbox written
-- in the transaction of what happened) and one delivery per event and subscription, sent by a webhook.deliver job.
create table webhook_subscriptions (
    id                 uuid primary key,
    url                text        not null,
    event_types        jsonb       not null,
    description        text,
    secret_key_id      text        not null,
    secret_ciphertext  bytea       not null,
    secret_fingerprint text        not null,
    version            bigint      not null,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    created_by         text        not null
);
create index webhook_subscriptions_created_at_idx on webhook_subscriptions (created_at, id);

create table webhook_events (
    id         uuid primary key,
    type       text        not null,
    subject    text,
    body       text        not null,
    created_at timestamptz not null
);

create table webhook_deliveries (
    id               uuid primary key,
    subscription_id  uuid        not null references webhook_subscriptions (id) on delete cascade,
    event_id         uuid        not null references webhook_events (id) on delete cascade,
    state            text        not null check (state in ('pending', 'delivered', 'failed')),
    attempts         integer     not null default 0,
    last_status_code integer,
    last_error       text,
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    job_id           uuid,
    created_at       timestamptz not null,
    unique (subscription_id, event_id)
);
create index webhook_deliveries_subscription_idx on webhook_deliveries (subscription_id, created_at desc, id desc);
create index webhook_deliveries_event_idx on webhook_deliveries (event_id);

-- The phase (and for clusters, reachability) each resource had when webhooks last looked, so a change is told once.
create table webhook_watched_resources (
    resource_id uuid primary key,
    kind        text not null,
    phase       text not null,
    unreachable boolean not null default false
);
