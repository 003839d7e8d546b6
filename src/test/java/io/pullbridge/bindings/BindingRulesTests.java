package io.pullbridge.bindings;

import io.pullbridge.web.ApiException;
import io.pullbridge.web.FieldViolation;
import io.pullbridge.web.Violations;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The syntax rules of a binding's spec, and the defaults they fill in: plain JUnit, no Spring. */
class BindingRulesTests {

    private static final UUID PRINCIPAL = UUID.randomUUID();

    @Test
    void aPullSecretGetsTheDefaultSecretNameAndServiceAccount() {
        Violations violations = new Violations();

        PullSecretSpec spec = BindingRules.pullSecret(new PullSecretOptions(new CredentialReference(PRINCIPAL, null),
                null, List.of("team-a"), null, null, null), "pullSecret", violations, true);

        assertThat(violations.isEmpty()).isTrue();
        assertThat(spec).isEqualTo(new PullSecretSpec(PRINCIPAL, null, "acr-secret", List.of("team-a"), null,
                List.of(), List.of("default")));
    }

    @Test
    void aPullSecretListsEveryViolationByField() {
        Violations violations = new Violations();

        BindingRules.pullSecret(new PullSecretOptions(new CredentialReference(PRINCIPAL, UUID.randomUUID()),
                "Not_A_Name", List.of("team-a", "team-a", "UPPER"), "team in (a", null, List.of("")),
                "pullSecret", violations, true);

        assertThat(fields(violations)).containsExactly("pullSecret.credential", "pullSecret.secretName",
                "pullSecret.namespaces[2]", "pullSecret.namespaces", "pullSecret.namespaceSelector",
                "pullSecret.serviceAccounts[0]");
    }

    @Test
    void aPullSecretNeedsNamespacesOrASelectorAndACredentialWhenCreated() {
        Violations violations = new Violations();

        BindingRules.pullSecret(new PullSecretOptions(null, null, List.of(), null, null, null), "pullSecret",
                violations, true);

        assertThat(fields(violations)).containsExactly("pullSecret.credential", "pullSecret");
    }

    @Test
    void aConnectedRegistryGetsItsDefaultsAndChecksItsSyncSettings() {
        Violations violations = new Violations();

        ConnectedRegistrySpec spec = BindingRules.connectedRegistry(new ConnectedRegistryOptions("edge1cr", null,
                List.of("hello-world"), "10.0.0.50", null, "PT24H", null, null), "connectedRegistry", violations);

        assertThat(violations.isEmpty()).isTrue();
        assertThat(spec).isEqualTo(new ConnectedRegistrySpec("edge1cr", ConnectedRegistryMode.READ_ONLY,
                List.of("hello-world"), "10.0.0.50", "* * * * *", "PT24H", "acr-secret", List.of("default")));
    }

    @Test
    void aConnectedRegistryRefusesBadNamesAddressesSchedulesAndWindows() {
        Violations violations = new Violations();

        BindingRules.connectedRegistry(new ConnectedRegistryOptions("edge", null, List.of("Hello", "a", "a"),
                "fd00::1", "0 0 * *", "PT1H", null, List.of()), "connectedRegistry", violations);

        assertThat(fields(violations)).containsExactly("connectedRegistry.name", "connectedRegistry.repositories[0]",
                "connectedRegistry.repositories", "connectedRegistry.clusterIP", "connectedRegistry.syncSchedule",
                "connectedRegistry.syncWindow", "connectedRegistry.namespaces");
    }

    @Test
    void aSyncWindowIsAnIsoDurationBetweenThreeHoursAndSevenDays() {
        for (String window : List.of("PT3H", "P7D", "PT24H")) {
            Violations violations = new Violations();
            BindingRules.syncWindow(window, "w", violations);
            assertThat(violations.isEmpty()).as(window).isTrue();
        }
        for (String window : List.of("PT2H59M", "P8D", "24h")) {
            Violations violations = new Violations();
            BindingRules.syncWindow(window, "w", violations);
            assertThat(violations.isEmpty()).as(window).isFalse();
        }
    }

    private static List<String> fields(Violations violations) {
        assertThatThrownBy(violations::throwIfAny).isInstanceOf(ApiException.class);
        try {
            violations.throwIfAny();
            return List.of();
        } catch (ApiException e) {
            return e.errors().stream().map(FieldViolation::field).toList();
        }
    }
}
