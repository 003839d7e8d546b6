package io.pullbridge.bindings;

import io.pullbridge.jobs.JobContext;
import io.pullbridge.jobs.JobResult;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.FieldViolation;
import io.pullbridge.web.Violations;
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

    @Test
    void aRequestNamingAnotherMethodsOptionsIsRefusedForEach() {
        BindingMethodHandlers handlers = new BindingMethodHandlers(Arrays.stream(BindingMethod.values())
                .map(Fake::new).map(BindingMethodHandler.class::cast).toList());
        CreateBindingRequest both = new CreateBindingRequest(null, null, null,
                new PullSecretOptions(null, null, null, null, null, null),
                new ConnectedRegistryOptions(null, null, null, null, null, null, null, null), null);

        assertThat(refused(handlers, BindingMethod.PULL_SECRET, both)).containsExactly(
                new FieldViolation("connectedRegistry", "goes only with method connected-registry"));
        assertThat(refused(handlers, BindingMethod.KUBELET_IDENTITY, both)).containsExactly(
                new FieldViolation("pullSecret", "goes only with method pull-secret"),
                new FieldViolation("connectedRegistry", "goes only with method connected-registry"));
        assertThat(refused(handlers, BindingMethod.CONNECTED_REGISTRY, new CreateBindingRequest(null, null, null,
                null, new ConnectedRegistryOptions(null, null, null, null, null, null, null, null), null))).isEmpty();
    }

    private static List<FieldViolation> refused(BindingMethodHandlers handlers, BindingMethod method,
                                                CreateBindingRequest request) {
        Violations violations = new Violations();
        handlers.refuseOtherOptions(method, request.methodOptions(), violations);
        try {
            violations.throwIfAny();
            return List.of();
        } catch (ApiException e) {
            return e.errors();
        }
    }

    private record Fake(BindingMethod method) implements BindingMethodHandler {

        @Override
        public String condition() {
            return "Fake";
        }

        @Override
        public Requests requests() {
            String field = switch (method) {
                case KUBELET_IDENTITY -> null;
                case PULL_SECRET -> "pullSecret";
                case CONNECTED_REGISTRY -> "connectedRegistry";
                case WORKLOAD_IDENTITY -> "workloadIdentity";
            };
            return new Requests() {
                @Override
                public String optionsField() {
                    return field;
                }

                @Override
                public String pendingMessage() {
                    return "Waiting";
                }

                @Override
                public Creation create(CreateBindingRequest request, Violations violations) {
                    return (registry, cluster) -> BindingSpec.none();
                }

                @Override
                public BindingSpec update(BindingSnapshot binding, UpdateBindingRequest request,
                                          Violations violations) {
                    return BindingSpec.none();
                }
            };
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
