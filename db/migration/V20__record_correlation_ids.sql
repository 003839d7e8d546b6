-- The caller's ticket number (X-Correlation-Id) on the jobs a request enqueued and on its audit events, so ticket
-- automation can find its work again (GET /api/v1/jobs?correlationId=). Null when the caller sent none.
alter table jobs add column correlation_id text;
alter table audit_events add column correlation_id text;
create index jobs_correlation_idx on jobs (correlation_id, created_at, id) where correlation_id is not null;
