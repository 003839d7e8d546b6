package io.pullbridge.audit;

import io.pullbridge.web.Role;
import io.pullbridge.web.WebSliceConfiguration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

import static io.pullbridge.web.WebSliceConfiguration.PROBLEM;
import static io.pullbridge.web.WebSliceConfiguration.as;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The audit trail's web layer alone, its store replaced: it is an Admin's to read, and its filters are checked. */
@WebMvcTest(AuditController.class)
@Import(WebSliceConfiguration.class)
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class AuditControllerTests {

    @Autowired
    WebApplicationContext context;

    @MockitoBean
    AuditEventRepository events;

    MockMvc mvc;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
    }

    @Test
    void anOperatorMayNotReadTheAuditTrail() throws Exception {
        mvc.perform(get("/api/v1/audit-events").with(as(Role.OPERATOR)))
                .andExpect(status().isForbidden())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"));
        verifyNoInteractions(events);
    }

    @Test
    void anAdminReadsAPage() throws Exception {
        doReturn(List.of()).when(events).findBy(any(Specification.class), any());

        mvc.perform(get("/api/v1/audit-events?actor=user-operator").with(as(Role.ADMIN)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(0)));
    }

    @Test
    void anUnknownOutcomeAndAnEmptyPeriodAreOne400ProblemNamingBoth() throws Exception {
        mvc.perform(get("/api/v1/audit-events?outcome=ok&since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z")
                        .with(as(Role.ADMIN)))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "validation-failed"))
                .andExpect(jsonPath("$.detail").value("2 fields are not valid"))
                .andExpect(jsonPath("$.errors[0].field").value("outcome"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of success, failure, denied"))
                .andExpect(jsonPath("$.errors[1].field").value("until"));
        verifyNoInteractions(events);
    }
}
