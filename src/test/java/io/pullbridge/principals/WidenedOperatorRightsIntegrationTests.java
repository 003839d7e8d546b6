package io.pullbridge.principals;

import io.pullbridge.support.Api;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.Registries;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The settings that widen what an Operator may grant: {@code pullbridge.security.operator-grantable-roles} and
 * {@code pullbridge.security.operator-token-actions} let Operators do what they name, and nothing more; adopting stays
 * Admin's whatever they say.
 */
@IntegrationTest
@TestPropertySource(properties = {
        "pullbridge.security.operator-grantable-roles=acrpull,acrpush",
        "pullbridge.security.operator-token-actions=content/read,metadata/read,content/write"})
class WidenedOperatorRightsIntegrationTests {

    static final String FORBIDDEN = "https://pullbridge.io/problems/forbidden";

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    Api operator;
    UUID registryId;

    @BeforeEach
    void registry() throws Exception {
        operator = Api.operator(mvc);
        registryId = Registries.registered(mvc, jdbc).id();
    }

    @Test
    void anOperatorMayGrantTheRolesTheSettingNamesAndNoOther() throws Exception {
        operator.post("/api/v1/service-principals", grant("acrpush")).andExpect(status().isAccepted());
        operator.post("/api/v1/service-principals", grant("owner"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value(FORBIDDEN))
                .andExpect(jsonPath("$.detail", containsString("granting owner on a registry is reserved to Admin; "
                        + "Operators may grant only acrpull, acrpush (pullbridge.security.operator-grantable-roles)")));
        operator.post("/api/v1/service-principals", """
                        {"mode": "adopt", "appId": "%s", "password": "Sup3r-S3cret~%s",
                         "grants": [{"registryId": "%s", "role": "acrpull"}]}"""
                        .formatted(UUID.randomUUID(), UUID.randomUUID(), registryId))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail", containsString("adopting a service principal is reserved to Admin")));
    }

    @Test
    void anOperatorMayGiveATokenTheActionsTheSettingNamesAndNoOther() throws Exception {
        String tokens = "/api/v1/registries/" + registryId + "/tokens";
        operator.post(tokens, """
                        {"name": "team-a-push", "repositories": {"team-a/*": ["content/read", "content/write"]}}""")
                .andExpect(status().isAccepted());
        operator.post(tokens, """
                        {"name": "team-a-prune", "repositories": {"team-a/*": ["content/read", "content/delete"]}}""")
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.type").value(FORBIDDEN))
                .andExpect(jsonPath("$.detail", containsString("Operators may give only content/read, content/write, "
                        + "metadata/read (pullbridge.security.operator-token-actions)")));
    }

    private String grant(String role) {
        return """
                {"mode": "create", "displayName": "widened-%s", "grants": [{"registryId": "%s", "role": "%s"}]}"""
                .formatted(UUID.randomUUID(), registryId, role);
    }
}
