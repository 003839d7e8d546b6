-- What V21's webhook_events came to need after it had been applied (V21 itself stays as it was first applied):
-- the ticket the causing request carried (X-Correlation-Id, recorded on its job), when there was one; and, for
-- events told once per fact (a password's expiry), the key a second look at the same fact finds.
-- "if not exists": databases made from a build whose V21 already held these columns get them once.
alter table webhook_events add column if not exists correlation_id text;
alter table webhook_events add column if not exists once_key text;
create unique index if not exists webhook_events_once_key_key on webhook_events (once_key);
