-- Events written in the same microsecond (a job's start and end, a burst of requests) keep the order they
-- were written in.
alter table audit_events add column seq bigserial;
create unique index audit_events_seq_uk on audit_events (seq);
