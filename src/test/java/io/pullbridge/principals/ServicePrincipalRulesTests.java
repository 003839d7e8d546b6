package io.pullbridge.principals;

import io.pullbridge.common.AzureProperties;
import io.pullbridge.web.ApiException;
import io.pullbridge.web.FieldViolation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ServicePrincipalRulesTests {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final UUID TENANT = UUID.fromString("72f988bf-86f1-41af-91ab-2d7cd011db47");
    static final UUID REGISTRY = UUID.randomUUID();
    static final List<GrantRequest> PULL = List.of(new GrantRequest(REGISTRY, AcrRole.ACRPULL));

    final ServicePrincipalRules rules = rules(TENANT);

    static ServicePrincipalRules rules(UUID defaultTenant) {
        return new ServicePrincipalRules(
                new PrincipalsProperties(new PrincipalsProperties.PasswordLifetime(Duration.ofDays(1),
                        Duration.ofDays(730), Duration.ofDays(365)), Duration.ofMinutes(10), Duration.ofDays(30),
                        true, 0.8, new PrincipalsProperties.Rotation(Duration.ofHours(1), Duration.ofSeconds(15))),
                new AzureProperties("AzureCloud", defaultTenant, null), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static CreateServicePrincipalRequest create(String displayName, String lifetime) {
        return new CreateServicePrincipalRequest(PrincipalMode.CREATE, displayName, lifetime, null, null, null, null,
                null, PULL);
    }

    static CreateServicePrincipalRequest adopt(UUID tenantId, String password, Instant expiresAt) {
        return new CreateServicePrincipalRequest(PrincipalMode.ADOPT, null, null, UUID.randomUUID(), UUID.randomUUID(),
                tenantId, password, expiresAt, PULL);
    }

    @Test
    void aCreatedPrincipalGetsTheDefaultLifetimeAndTenant() {
        ServicePrincipalRules.NewPrincipal principal = rules.checkCreate(create("acr-pull-team-a", null));
        assertThat(principal.passwordLifetime()).isEqualTo("P365D");
        assertThat(principal.tenantId()).isEqualTo(TENANT);
        assertThat(principal.password()).isNull();
        assertThat(principal.grants()).containsExactly(new ServicePrincipalRules.GrantSpec(REGISTRY, AcrRole.ACRPULL));
    }

    @Test
    void lifetimesAreWrittenInDaysWhateverTheirSpelling() {
        assertThat(rules.checkCreate(create("a", "pt48h")).passwordLifetime()).isEqualTo("P2D");
        assertThat(rules.checkCreate(create("a", "P730D")).passwordLifetime()).isEqualTo("P730D");
        assertThat(rules.checkCreate(create("a", "PT36H")).passwordLifetime()).isEqualTo("PT36H");
    }

    @Test
    void withoutADefaultTenantModeCreateCannotWorkAndModeAdoptNeedsOne() {
        ServicePrincipalRules noTenant = rules(null);
        assertThat(fields(() -> noTenant.checkCreate(create("a", null)))).containsExactly("mode");
        assertThat(fields(() -> noTenant.checkCreate(adopt(null, "secret", null)))).containsExactly("tenantId");
        assertThat(noTenant.checkCreate(adopt(TENANT, "secret", null)).tenantId()).isEqualTo(TENANT);
    }

    @Test
    void displayNamesAreOneToOneHundredTwentyCharactersWithoutControlCharacters() {
        assertThat(rules.checkCreate(create("n".repeat(120), null)).displayName()).hasSize(120);
        assertThat(rules.checkCreate(create("équipe A — pull", null)).displayName()).isEqualTo("équipe A — pull");
        // characters, not UTF-16 units: 120 emoji are 240 chars in Java
        assertThat(rules.checkCreate(create("\uD83D\uDE80".repeat(120), null))).isNotNull();
        for (String bad : List.of("", " ", "n".repeat(121), "a\tb", "a\nb", "a\u0000b", "a\u009fb", "a\u007fb")) {
            assertThat(fields(() -> rules.checkCreate(create(bad, null)))).as(bad).containsExactly("displayName");
        }
    }

    @Test
    void passwordsAreOneTo1024CharactersAndNeverQuoted() {
        assertThat(rules.checkCreate(adopt(null, "x".repeat(1024), null)).password()).hasSize(1024);
        for (String bad : List.of("", "   ", "p".repeat(1025))) {
            ApiException refused = refuse(() -> rules.checkCreate(adopt(null, bad, null)));
            assertThat(refused.errors()).extracting(FieldViolation::field).containsExactly("password");
            if (!bad.isBlank()) {
                assertThat(refused.getMessage()).doesNotContain(bad);
                assertThat(refused.errors().get(0).message()).doesNotContain(bad);
            }
        }
    }

    @Test
    void anAdoptedPasswordMustExpireInTheFuture() {
        assertThat(fields(() -> rules.checkCreate(adopt(null, "secret", NOW)))).containsExactly("passwordExpiresAt");
        assertThat(rules.checkCreate(adopt(null, "secret", NOW.plusSeconds(1))).passwordExpiresAt())
                .isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void eachModeRefusesTheFieldsOfTheOther() {
        CreateServicePrincipalRequest createWithAdoptFields = new CreateServicePrincipalRequest(PrincipalMode.CREATE,
                "a", null, UUID.randomUUID(), UUID.randomUUID(), TENANT, "secret", NOW.plusSeconds(60), PULL);
        assertThat(fields(() -> rules.checkCreate(createWithAdoptFields)))
                .containsExactly("appId", "objectId", "tenantId", "password", "passwordExpiresAt");
        CreateServicePrincipalRequest adoptWithLifetime = new CreateServicePrincipalRequest(PrincipalMode.ADOPT,
                null, "P30D", UUID.randomUUID(), UUID.randomUUID(), null, "secret", null, PULL);
        assertThat(fields(() -> rules.checkCreate(adoptWithLifetime))).containsExactly("passwordLifetime");
    }

    @Test
    void anAdoptedPrincipalIsNamedByItsAppIdItsObjectIdOrBoth() {
        UUID appId = UUID.randomUUID();
        UUID objectId = UUID.randomUUID();
        assertThat(rules.checkCreate(new CreateServicePrincipalRequest(PrincipalMode.ADOPT, null, null, appId, null,
                null, "secret", null, PULL)).appId()).isEqualTo(appId);
        assertThat(rules.checkCreate(new CreateServicePrincipalRequest(PrincipalMode.ADOPT, null, null, null, objectId,
                null, "secret", null, PULL)).objectId()).isEqualTo(objectId);
        ApiException neither = refuse(() -> rules.checkCreate(new CreateServicePrincipalRequest(PrincipalMode.ADOPT,
                null, null, null, null, null, "secret", null, PULL)));
        assertThat(neither.errors()).extracting(FieldViolation::field).containsExactly("appId", "objectId");
        assertThat(neither.errors().get(0).message()).contains("unless objectId is given");
    }

    @Test
    void aCreatedPrincipalRotatesWithoutABodyAndAnAdoptedOneWithItsNewPassword() {
        assertThat(rules.checkRotate(null, PrincipalMode.CREATE).password()).isNull();
        assertThat(rules.checkRotate(new RotateServicePrincipalRequest(null, null), PrincipalMode.CREATE).password())
                .isNull();
        ApiException given = refuse(() -> rules.checkRotate(new RotateServicePrincipalRequest("Sup3r-new",
                NOW.plusSeconds(60)), PrincipalMode.CREATE));
        assertThat(given.errors()).extracting(FieldViolation::field).containsExactly("password", "passwordExpiresAt");
        assertThat(given.getMessage()).doesNotContain("Sup3r-new");

        ServicePrincipalRules.Rotation adopted = rules.checkRotate(new RotateServicePrincipalRequest("Sup3r-new",
                NOW.plusSeconds(60)), PrincipalMode.ADOPT);
        assertThat(adopted.password()).isEqualTo("Sup3r-new");
        assertThat(adopted.toString()).doesNotContain("Sup3r-new");
        assertThat(fields(() -> rules.checkRotate(null, PrincipalMode.ADOPT))).containsExactly("password");
        assertThat(fields(() -> rules.checkRotate(new RotateServicePrincipalRequest(" ", NOW.minusSeconds(1)),
                PrincipalMode.ADOPT))).containsExactly("password", "passwordExpiresAt");
    }

    @Test
    void withoutAModeOnlyTheModeAndGrantsAreJudged() {
        CreateServicePrincipalRequest noMode = new CreateServicePrincipalRequest(null, null, "bad", null, null, null,
                null, null, List.of());
        assertThat(fields(() -> rules.checkCreate(noMode))).containsExactly("mode", "grants");
    }

    @Test
    void grantsNeedARegistryAndARoleAndNoRepeats() {
        UUID other = UUID.randomUUID();
        List<GrantRequest> grants = Arrays.asList(
                new GrantRequest(REGISTRY, AcrRole.ACRPULL),
                null,
                new GrantRequest(null, null),
                new GrantRequest(other, AcrRole.ACRPULL),
                new GrantRequest(REGISTRY, AcrRole.ACRPUSH),
                new GrantRequest(REGISTRY, AcrRole.ACRPULL));
        CreateServicePrincipalRequest request = new CreateServicePrincipalRequest(PrincipalMode.CREATE, "a", null,
                null, null, null, null, null, grants);
        ApiException refused = refuse(() -> rules.checkCreate(request));
        assertThat(refused.errors()).extracting(FieldViolation::field)
                .containsExactly("grants[1]", "grants[2].registryId", "grants[2].role", "grants[5]");
        assertThat(refused.errors().get(3).message()).contains("grants[0]");
    }

    @Test
    void aPatchMayChangeGrantsAndTheLifetimeOfACreatedPrincipal() {
        ServicePrincipalRules.Changes changes = rules.checkUpdate(new UpdateServicePrincipalRequest(PULL, "P30D",
                null, null, null, null, null, null, null), PrincipalMode.CREATE);
        assertThat(changes.grants()).hasSize(1);
        assertThat(changes.passwordLifetime()).isEqualTo("P30D");
        ServicePrincipalRules.Changes nothing = rules.checkUpdate(new UpdateServicePrincipalRequest(null, null,
                null, null, null, null, null, null, null), PrincipalMode.ADOPT);
        assertThat(nothing.grants()).isNull();
        assertThat(nothing.passwordLifetime()).isNull();
    }

    @Test
    void aPatchRefusesIdentityPasswordAndTheLifetimeOfAnAdoptedPrincipal() {
        var text = JsonNodeFactory.instance.stringNode("x");
        ApiException refused = refuse(() -> rules.checkUpdate(new UpdateServicePrincipalRequest(null, "P30D",
                text, text, text, text, text, text, text), PrincipalMode.ADOPT));
        assertThat(refused.errors()).extracting(FieldViolation::field).containsExactly("mode", "displayName",
                "appId", "objectId", "tenantId", "password", "passwordExpiresAt", "passwordLifetime");
        assertThat(refused.errors().get(0).message()).contains("immutable");
        assertThat(refused.errors().get(5).message()).contains(":rotate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"P0D", "PT23H59M", "P731D", "P1Y", "P1M", "30", "-P5D", ""})
    void aLifetimeOutsideTheBoundsOrNotADurationIsRefused(String lifetime) {
        assertThat(fields(() -> rules.checkCreate(create("a", lifetime)))).containsExactly("passwordLifetime");
        assertThat(fields(() -> rules.checkUpdate(new UpdateServicePrincipalRequest(null, lifetime, null, null, null,
                null, null, null, null), PrincipalMode.CREATE))).containsExactly("passwordLifetime");
    }

    private static List<String> fields(Runnable call) {
        return refuse(call).errors().stream().map(FieldViolation::field).toList();
    }

    private static ApiException refuse(Runnable call) {
        ApiException refused = catchThrowableOfType(ApiException.class, call::run);
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.type().status().value()).isEqualTo(400);
        return refused;
    }
}
