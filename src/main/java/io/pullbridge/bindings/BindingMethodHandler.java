package io.pullbridge.bindings;

import io.pullbridge.clusters.ClusterView;
import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.registries.RegistryView;
import io.pullbridge.web.Violations;
import java.util.List;
import java.util.Optional;

/**
 * What one binding method is: the checks of its part of a create or update request, and what it does in the world,
 * the work of a binding's jobs as named steps. One implementation per method, each in its own sub-package
 * ({@code kubelet}, {@code pullsecret}, {@code connected}); {@link BindingJobs}, {@link BindingResources} and
 * {@link BindingService} reach it only through {@link BindingMethodHandlers}, the one place that picks a handler by
 * {@link BindingMethod}. A new method is one new package with one of these.
 */
public interface BindingMethodHandler {

    /** Job data of {@code binding.verify}: the image to check pull access to, if the request named one. */
    String VERIFY_IMAGE = "image";

    BindingMethod method();

    /** The type of the status condition the method's passes set on the binding. */
    String condition();

    /** The method's part of create and update requests: how the API checks it and makes the binding's spec. */
    Requests requests();

    /**
     * {@code binding.apply}: makes the world match the binding's spec, records what it found on the binding (its
     * condition, drift and method status) and says what it did. Level-triggered and idempotent.
     */
    JobResult apply(JobContext job, BindingSnapshot binding) throws Exception;

    /** {@code binding.reconcile}: the recurring pass; the same level-triggered steps as {@link #apply}. */
    default JobResult reconcile(JobContext job, BindingSnapshot binding) throws Exception {
        return apply(job, binding);
    }

    /** {@code binding.verify}: proves, changing nothing, that access is effective. */
    Verification verify(JobContext job, BindingSnapshot binding) throws Exception;

    /** {@code binding.rotate}: rotates the binding's own credentials; most methods have none. */
    default JobResult rotate(JobContext job, BindingSnapshot binding) throws Exception {
        throw JobFailure.permanent("invalid-state", "Nothing to rotate", 409,
                "Only connected-registry bindings have credentials of their own");
    }

    /**
     * The delete job's clean-up: removes what the binding made, or says how long to wait before looking again (the
     * job then runs this again).
     */
    Optional<JobResult.RetryAfter> remove(JobContext job, BindingSnapshot binding) throws Exception;

    /** Why a {@code :verify} of such a binding is refused (409), or empty when it can be verified. */
    default Optional<String> verifyRefusal() {
        return Optional.empty();
    }

    /** Whether a {@code :verify} may name an image whose pull is to be proven. */
    default boolean verifiesImages() {
        return false;
    }

    /** What such a binding uses instead of credentials of its own, when {@code :rotate} is refused; empty to rotate. */
    default Optional<String> rotateRefusal() {
        return Optional.empty();
    }

    /** The method's part of create and update requests. */
    interface Requests {

        /**
         * The field of {@link CreateBindingRequest} and {@link UpdateBindingRequest} that carries the method's options
         * (any other method's request that names it is refused), or null when the method takes none.
         */
        default String optionsField() {
            return null;
        }

        /** What a new binding's status says until its first apply. */
        String pendingMessage();

        /**
         * Checks the method's options in a create request: their syntax into {@code violations} (400, with the rest
         * of the request's). What needs more than the request comes later, from the returned {@link Creation} (null
         * only when {@code violations} holds why there is none).
         */
        Creation create(CreateBindingRequest request, Violations violations);

        /**
         * Checks an update request against the binding as it is: its syntax into {@code violations}, which this
         * throws (400); or a 400 of its own when the method has nothing to change. Returns the binding's changed spec.
         */
        BindingSpec update(BindingSnapshot binding, UpdateBindingRequest request, Violations violations);
    }

    /** The checks of a create request that need more than its syntax, in the order the API answers them. */
    interface Creation {

        /** Refuses (403) what the caller's role may not give; runs once the whole request's syntax is valid. */
        default void authorize() {
        }

        /**
         * Checks the options against the registry and the cluster the binding names (422; 409 when another binding
         * already does the same); both are locked for share until the create commits. Returns the new binding's spec.
         */
        BindingSpec spec(RegistryView registry, ClusterView cluster);
    }

    /**
     * What a verification found.
     *
     * @param problems why access is not effective; empty when it is
     * @param remedy   what PullBridge does about it by itself, appended to the failure (empty for nothing)
     */
    record Verification(List<String> problems, String remedy) {

        public Verification {
            problems = List.copyOf(problems);
        }

        public boolean effective() {
            return problems.isEmpty();
        }
    }
}
