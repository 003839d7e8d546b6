package io.pullbridge.bindings;

import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The one place a method picks its handler: every method has exactly one, or the service does not start. */
class BindingMethodHandlersTests {

    @Test
    void picksEachMethodsHandler() {
        List<BindingMethodHandler> all = Arrays.stream(BindingMethod.values()).map(Fake::new)
                .map(BindingMethodHandler.class::cast).toList();

        BindingMethodHandlers handlers = new BindingMethodHandlers(all);

        assertThat(handlers.methods()).containsExactlyInAnyOrder(BindingMethod.values());
        for (BindingMethod method : BindingMethod.values()) {
            assertThat(handlers.of(method).method()).isEqualTo(method);
        }
    }

    @Test
    void aMethodWithoutAHandlerStopsTheStart() {
        assertThatIllegalStateException().isThrownBy(() -> new BindingMethodHandlers(List.of(
                new Fake(BindingMethod.KUBELET_IDENTITY), new Fake(BindingMethod.PULL_SECRET))))
                .withMessage("No handler for binding method connected-registry");
    }

    @Test
    void twoHandlersForOneMethodStopTheStart() {
        assertThatIllegalStateException().isThrownBy(() -> new BindingMethodHandlers(List.of(
                new Fake(BindingMethod.PULL_SECRET), new Fake(BindingMethod.PULL_SECRET))))
                .withMessage("Two handlers for binding method pull-secret");
    }

    private record Fake(BindingMethod method) implements BindingMethodHandler {

        @Override
        public String condition() {
            return "Fake";
        }

        @Override
        public JobResult apply(JobContext job, BindingSnapshot binding) {
            return JobResult.done();
        }

        @Override
        public Verification verify(JobContext job, BindingSnapshot binding) {
            return new Verification(List.of(), "");
        }

        @Override
        public Optional<JobResult.RetryAfter> remove(JobContext job, BindingSnapshot binding) {
            return Optional.empty();
        }
    }
}
