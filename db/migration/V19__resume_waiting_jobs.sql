-- While a job is queued after a wait, the step it waits in (an index into steps): its next run skips the steps that
-- finished before that one, and runs that one again in place. Null when the job's last run did not end in a wait.
alter table jobs add column resume_step integer;
