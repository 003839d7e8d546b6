package io.pullbridge.clusters;

import io.pullbridge.jobs.JobRef;
import io.pullbridge.lifecycle.ResourceLifecycle;
import io.pullbridge.web.ETags;
import io.pullbridge.web.Role;
import io.pullbridge.web.WebSliceConfiguration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

import static io.pullbridge.web.WebSliceConfiguration.PROBLEM;
import static io.pullbridge.web.WebSliceConfiguration.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The clusters API's web layer alone, its service replaced: registering, changing and removing a cluster are an
 * Admin's (an Operator gets 403 naming the rule), reads are a Reader's, and a changed kubeconfig answers 202.
 */
@WebMvcTest(ClusterController.class)
@Import(WebSliceConfiguration.class)
@TestPropertySource(properties = "pullbridge.security.allow-any-audience=true")
class ClusterControllerTests {

    private static final String CREATE = """
            {"name": "edge", "kind": "kubeconfig", "kubeconfig": "apiVersion: v1"}""";

    @Autowired
    WebApplicationContext context;

    @MockitoBean
    ClusterService clusters;

    MockMvc mvc;

    @BeforeEach
    void securedMockMvc() {
        mvc = WebSliceConfiguration.securedMockMvc(context);
    }

    @Test
    void aReaderReadsAClusterWithItsETag() throws Exception {
        Cluster cluster = cluster();
        when(clusters.get(cluster.getId())).thenReturn(cluster);

        mvc.perform(get("/api/v1/clusters/{id}", cluster.getId()).with(as(Role.READER)))
                .andExpect(status().isOk())
                .andExpect(header().string("ETag", ETags.of(cluster.getVersion())))
                .andExpect(jsonPath("$.name").value("edge"))
                .andExpect(jsonPath("$.kind").value("kubeconfig"))
                .andExpect(jsonPath("$.kubeconfig.set").value(false));
    }

    @Test
    void anOperatorMayNotRegisterChangeOrRemoveACluster() throws Exception {
        UUID id = UUID.randomUUID();
        for (var request : List.of(
                post("/api/v1/clusters").contentType(MediaType.APPLICATION_JSON).content(CREATE),
                patch("/api/v1/clusters/{id}", id).contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"x\"}"),
                delete("/api/v1/clusters/{id}", id))) {
            mvc.perform(request.with(as(Role.OPERATOR)))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.type").value(PROBLEM + "forbidden"))
                    .andExpect(jsonPath("$.detail").value(containsString("reserved to Admin")));
        }
        verifyNoInteractions(clusters);
    }

    @Test
    void anAdminsRegistrationIsAcceptedWithTheClusterAndItsJob() throws Exception {
        Cluster cluster = cluster();
        UUID job = UUID.randomUUID();
        cluster.getStatus().trackJob(job);
        when(clusters.create(any())).thenReturn(cluster);

        mvc.perform(post("/api/v1/clusters").contentType(MediaType.APPLICATION_JSON).content(CREATE)
                        .with(as(Role.ADMIN)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Location", "/api/v1/clusters/" + cluster.getId()))
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job))
                .andExpect(header().string("ETag", ETags.of(cluster.getVersion())));
    }

    @Test
    void aPatchCarriesItsIfMatchAndAnswers202WhenItReconnects() throws Exception {
        Cluster cluster = cluster();
        UUID job = UUID.randomUUID();
        when(clusters.update(eq(cluster.getId()), any(), eq("\"0\""))).thenReturn(
                new ClusterService.Updated(cluster, new JobRef(job, false)));
        when(clusters.update(eq(cluster.getId()), any(), eq("\"1\""))).thenReturn(
                new ClusterService.Updated(cluster, null));

        mvc.perform(patch("/api/v1/clusters/{id}", cluster.getId()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"kubeconfig\": \"apiVersion: v1\"}").header("If-Match", "\"0\"")
                        .with(as(Role.ADMIN)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job));
        mvc.perform(patch("/api/v1/clusters/{id}", cluster.getId()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"edge\"}").header("If-Match", "\"1\"").with(as(Role.ADMIN)))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("Operation-Location"))
                .andExpect(header().string("ETag", ETags.of(cluster.getVersion())));
    }

    @Test
    void anAdminsRemovalIsAcceptedWithItsJob() throws Exception {
        Cluster cluster = cluster();
        UUID job = UUID.randomUUID();
        when(clusters.delete(cluster.getId(), null)).thenReturn(new ResourceLifecycle.Deletion<>(cluster,
                new JobRef(job, false)));

        mvc.perform(delete("/api/v1/clusters/{id}", cluster.getId()).with(as(Role.ADMIN)))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Operation-Location", "/api/v1/jobs/" + job));
    }

    @Test
    void theAccessManifestOfAClusterReachedWithoutEntraIsA409Problem() throws Exception {
        Cluster cluster = cluster();
        when(clusters.get(cluster.getId())).thenReturn(cluster);

        mvc.perform(get("/api/v1/clusters/{id}/access-manifest", cluster.getId()).with(as(Role.READER)))
                .andExpect(status().isConflict())
                .andExpect(content().contentType("application/problem+json"))
                .andExpect(jsonPath("$.type").value(PROBLEM + "invalid-state"))
                .andExpect(jsonPath("$.detail").value(startsWith(
                        "PullBridge reaches the cluster edge with credentials it has not used yet")));
    }

    private static Cluster cluster() {
        return new Cluster(UUID.randomUUID(), "edge", ClusterKind.KUBECONFIG, null, null, null, null,
                Instant.parse("2026-01-01T00:00:00Z"), "user-admin");
    }
}
