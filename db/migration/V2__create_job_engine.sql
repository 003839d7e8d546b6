-- The job engine: db-scheduler's execution table underneath PullBridge's own jobs table.

-- db-scheduler 16.x (PostgreSQL layout from its documentation).
create table scheduled_tasks (
    task_name            text                     not null,
    task_instance        text                     not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean                  not null,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   not null,
    priority             smallint,
    primary key (task_name, task_instance)
);
create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);

alter table jobs add column data jsonb not null default '{}';
-- Changes with every claim of the job; writes from a runner that lost the job (its replica was presumed
-- dead and another took over) carry the old token and change nothing.
alter table jobs add column run_token uuid;
alter table jobs add column runner text;
alter table jobs add column cancel_requested boolean not null default false;
alter table jobs add column failed_attempts int not null default 0;
alter table jobs add column failure_class text check (failure_class in ('transient', 'permanent'));

-- At most one running job per target, whatever the replicas do.
create unique index jobs_one_running_per_target on jobs (target_id) where state = 'running';
create index jobs_active_by_target_idx on jobs (target_id, created_at, id) where state in ('queued', 'running');
