package io.pullbridge.jobs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine's reads and writes of the {@code jobs} table, as conditional updates: a write by a runner carries the
 * run token it got when it claimed the job, and changes nothing once another runner has taken the job over.
 */
@Repository
class JobStore {

    enum Claim { CLAIMED, BUSY, GONE, CANCELLED }

    enum CancelOutcome { CANCELLED, REQUESTED, NOT_CANCELLABLE, NOT_FOUND }

    record Snapshot(UUID id, String type, String targetKind, UUID targetId, JobState state, int attempts,
                    int failedAttempts, Map<String, String> data, String requestedBy, String requestId,
                    Instant createdAt, String correlationId) {
    }

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };
    private static final TypeReference<List<RecordedStep>> STEP_LIST = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    JobStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(UUID id, JobRequest request, String requestedBy, String requestId, String correlationId,
                Instant now) {
        jdbc.sql("""
                        insert into jobs (id, type, target_kind, target_id, state, data, requested_by, request_id,
                          correlation_id, created_at, next_attempt_at)
                        values (?, ?, ?, ?, 'queued', ?::jsonb, ?, ?, ?, ?, ?)""")
                .params(id, request.type(), request.targetKind(), request.targetId(), json.writeValueAsString(request.data()),
                        requestedBy, requestId, correlationId, ts(now), ts(now))
                .update();
    }

    /** The oldest queued job of this type for this target, locked so a concurrent claim waits for us. */
    Optional<UUID> lockQueued(UUID targetId, String type) {
        return jdbc.sql("""
                        select id from jobs where target_id = ? and type = ? and state = 'queued'
                        order by created_at, id limit 1 for update""")
                .params(targetId, type)
                .query(UUID.class)
                .optional();
    }

    /**
     * Runs a queued job now, for a request coalesced into it; a job that carries no ticket yet takes the request's, so
     * the ticket finds the job that does its work (one that has a ticket keeps the first).
     */
    void pullForward(UUID id, String correlationId, Instant now) {
        jdbc.sql("""
                        update jobs set next_attempt_at = ?, correlation_id = coalesce(correlation_id, ?)
                        where id = ? and state = 'queued'""")
                .params(ts(now), correlationId, id).update();
    }

    Optional<Snapshot> load(UUID id) {
        return jdbc.sql("""
                        select id, type, target_kind, target_id, state, attempts, failed_attempts, data, requested_by,
                          request_id, created_at, correlation_id
                        from jobs where id = ?""")
                .param(id)
                .query(this::snapshot)
                .optional();
    }

    private Snapshot snapshot(ResultSet rs, int row) throws SQLException {
        return new Snapshot(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                JobState.fromValue(rs.getString(5)), rs.getInt(6), rs.getInt(7),
                json.readValue(rs.getString(8), STRING_MAP), rs.getString(9), rs.getString(10),
                rs.getTimestamp(11).toInstant(), rs.getString("correlation_id"));
    }

    /**
     * Takes the job for one run. A job already running is taken over: its runner was presumed dead, and its token
     * no longer lets it write. A job waits (BUSY) while another job runs on its target or an older one is queued
     * for it, so jobs on one target run one at a time, in order.
     */
    record Claimed(Claim outcome, Snapshot job, Resume resume) {

        Claimed(Claim outcome, Snapshot job) {
            this(outcome, job, null);
        }
    }

    /** The steps a job recorded before it waited, and the index of the one it waits in. */
    record Resume(List<RecordedStep> steps, int waitingAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record RecordedStep(String name, String state) {
    }

    Claimed claim(UUID id, UUID token, String runner, Instant now) {
        try {
            Optional<Claimed> claimed = jdbc.sql("""
                            update jobs set state = 'running', run_token = ?, runner = ?, attempts = attempts + 1,
                              started_at = coalesce(started_at, ?), next_attempt_at = null
                            where id = ? and state in ('queued', 'running') and not cancel_requested
                              and not exists (select 1 from jobs older
                                              where older.target_id = jobs.target_id and older.state = 'queued'
                                                and (older.created_at, older.id) < (jobs.created_at, jobs.id))
                            returning id, type, target_kind, target_id, state, attempts - 1, failed_attempts, data,
                              requested_by, request_id, created_at, steps, resume_step, correlation_id""")
                    .params(token, runner, ts(now), id)
                    .query((rs, row) -> new Claimed(Claim.CLAIMED, snapshot(rs, row), resume(rs)))
                    .optional();
            if (claimed.isPresent()) {
                return claimed.get();
            }
        } catch (DuplicateKeyException anotherJobRunsOnTheTarget) {
            return new Claimed(Claim.BUSY, null);
        }
        // A job whose runner died after a cancel was asked for ends here, cancelled.
        int cancelled = jdbc.sql("""
                        update jobs set state = 'cancelled', finished_at = ?, run_token = null
                        where id = ? and state = 'running' and cancel_requested""")
                .params(ts(now), id).update();
        if (cancelled == 1) {
            return new Claimed(Claim.CANCELLED, load(id).orElseThrow());
        }
        String state = jdbc.sql("select state from jobs where id = ?").param(id).query(String.class).optional()
                .orElse("gone");
        return new Claimed(state.equals("queued") ? Claim.BUSY : Claim.GONE, null);
    }

    private Resume resume(ResultSet rs) throws SQLException {
        int waitingAt = rs.getInt(13);
        if (rs.wasNull()) {
            return null;
        }
        List<RecordedStep> steps = json.readValue(rs.getString(12), STEP_LIST);
        return waitingAt < steps.size() ? new Resume(steps, waitingAt) : null;
    }

    /** Appends a running step; returns its index, or empty when the runner no longer owns the job. */
    Optional<Integer> startStep(UUID id, UUID token, String name, Instant now) {
        return jdbc.sql("""
                        update jobs set steps = steps || jsonb_build_array(jsonb_build_object(
                          'name', ?::text, 'state', 'running', 'startedAt', ?::text))
                        where id = ? and run_token = ? and state = 'running' and not cancel_requested
                        returning jsonb_array_length(steps) - 1""")
                .params(name, now.toString(), id, token)
                .query(Integer.class)
                .optional();
    }

    /**
     * Runs a recorded step again in its place: running from now, without the detail of its last run; a poll (the
     * step a job waited in) also counts one more poll.
     */
    boolean restartStep(UUID id, UUID token, int index, boolean poll, Instant now) {
        return jdbc.sql("""
                        update jobs set steps = jsonb_set(steps, array[?::text],
                          (steps -> ?) - 'finishedAt' - 'detail'
                            || jsonb_build_object('state', 'running', 'startedAt', ?::text)
                            || case when ? then jsonb_build_object('polls',
                                 coalesce((steps -> ? ->> 'polls')::int, 1) + 1) else '{}'::jsonb end)
                        where id = ? and run_token = ? and state = 'running' and not cancel_requested
                          and jsonb_array_length(steps) > ?""")
                .params(index, index, now.toString(), poll, index, id, token, index)
                .update() == 1;
    }

    boolean finishStep(UUID id, UUID token, int index, String state, String detail, Instant now) {
        return jdbc.sql("""
                        update jobs set steps = jsonb_set(steps, array[?::text],
                          (steps -> ?)
                            || jsonb_strip_nulls(jsonb_build_object('state', ?::text, 'finishedAt', ?::text,
                                                                    'detail', ?::text)))
                        where id = ? and run_token = ? and jsonb_array_length(steps) > ?""")
                .params(index, index, state, now.toString(), detail, id, token, index)
                .update() == 1;
    }

    /**
     * Locks the job's row for the rest of the caller's transaction if the runner still owns it: a takeover (which
     * updates the row) then waits for that transaction, and one that came first makes this answer false.
     */
    boolean lockOwned(UUID id, UUID token) {
        return jdbc.sql("select 1 from jobs where id = ? and run_token = ? and state = 'running' for update")
                .params(id, token).query(Integer.class).optional().isPresent();
    }

    /** @return true while the runner still owns the job; the second value says whether a cancel was asked for */
    Optional<Boolean> cancelRequested(UUID id, UUID token) {
        return jdbc.sql("select cancel_requested from jobs where id = ? and run_token = ? and state = 'running'")
                .params(id, token).query(Boolean.class).optional();
    }

    boolean succeed(UUID id, UUID token, Instant now) {
        return jdbc.sql("""
                        update jobs set state = 'succeeded', finished_at = ?, run_token = null, last_error = null,
                          failure_class = null
                        where id = ? and run_token = ? and state = 'running'""")
                .params(ts(now), id, token).update() == 1;
    }

    boolean fail(UUID id, UUID token, JobProblem problem, Instant now) {
        return jdbc.sql("""
                        update jobs set state = 'failed', finished_at = ?, run_token = null, last_error = ?::jsonb,
                          failure_class = ?, failed_attempts = failed_attempts + 1
                        where id = ? and run_token = ? and state = 'running'""")
                .params(ts(now), json.writeValueAsString(problem.toMap()), problem.failureClass().value(), id, token)
                .update() == 1;
    }

    /**
     * Back to the queue until {@code nextAttempt}; a failure counts against the retry budget, a wait does not. A wait
     * remembers the step it waits in (the last one recorded), where the next run resumes; a failure starts over.
     */
    boolean requeue(UUID id, UUID token, Instant nextAttempt, JobProblem failure) {
        return jdbc.sql("""
                        update jobs set state = 'queued', run_token = null, next_attempt_at = ?,
                          last_error = coalesce(?::jsonb, last_error),
                          failure_class = coalesce(?, failure_class),
                          failed_attempts = failed_attempts + ?,
                          resume_step = case when ? then nullif(jsonb_array_length(steps) - 1, -1) end
                        where id = ? and run_token = ? and state = 'running'""")
                .params(ts(nextAttempt), failure == null ? null : json.writeValueAsString(failure.toMap()),
                        failure == null ? null : failure.failureClass().value(), failure == null ? 0 : 1,
                        failure == null, id, token)
                .update() == 1;
    }

    /** Hands a job back untouched (shutdown): the run does not count as an attempt. */
    boolean handBack(UUID id, UUID token, Instant now) {
        return jdbc.sql("""
                        update jobs set state = 'queued', run_token = null, next_attempt_at = ?, attempts = attempts - 1
                        where id = ? and run_token = ? and state = 'running'""")
                .params(ts(now), id, token).update() == 1;
    }

    boolean cancelRunning(UUID id, UUID token, Instant now) {
        return jdbc.sql("""
                        update jobs set state = 'cancelled', finished_at = ?, run_token = null
                        where id = ? and run_token = ? and state = 'running'""")
                .params(ts(now), id, token).update() == 1;
    }

    CancelOutcome requestCancel(UUID id, Instant now) {
        int queued = jdbc.sql("""
                        update jobs set state = 'cancelled', finished_at = ?, next_attempt_at = null
                        where id = ? and state = 'queued'""")
                .params(ts(now), id).update();
        if (queued == 1) {
            return CancelOutcome.CANCELLED;
        }
        int running = jdbc.sql("update jobs set cancel_requested = true where id = ? and state = 'running'")
                .param(id).update();
        if (running == 1) {
            return CancelOutcome.REQUESTED;
        }
        return jdbc.sql("select count(*) from jobs where id = ?").param(id).query(Long.class).single() == 0
                ? CancelOutcome.NOT_FOUND : CancelOutcome.NOT_CANCELLABLE;
    }

    boolean requeueForRetry(UUID id, Instant now) {
        return jdbc.sql("""
                        update jobs set state = 'queued', attempts = 0, failed_attempts = 0, cancel_requested = false,
                          finished_at = null, next_attempt_at = ?, run_token = null, resume_step = null
                        where id = ? and state in ('failed', 'cancelled')""")
                .params(ts(now), id).update() == 1;
    }

    /** Targets with a queued or running job, among the given ones. */
    List<UUID> activeTargets(List<UUID> targetIds) {
        if (targetIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select distinct target_id from jobs where state in ('queued', 'running') "
                        + "and target_id = any(?)")
                .param(targetIds.toArray(new UUID[0]))
                .query(UUID.class).list();
    }

    record QueueStats(long queued, Instant oldestQueuedAt) {
    }

    QueueStats queueStats() {
        return jdbc.sql("select count(*), min(created_at) from jobs where state = 'queued'")
                .query((rs, row) -> new QueueStats(rs.getLong(1),
                        rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant()))
                .single();
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
