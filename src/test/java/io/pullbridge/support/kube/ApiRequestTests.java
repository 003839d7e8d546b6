package io.pullbridge.support.kube;

import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRequestTests {

    @Test
    void readsVerbGroupAndResourceAsRbacDoes() {
        assertThat(ApiRequest.of("GET /api/v1/namespaces?limit=500")).contains(new ApiRequest("list", "", "namespaces"));
        assertThat(ApiRequest.of("GET /api/v1/namespaces/team-a")).contains(new ApiRequest("get", "", "namespaces"));
        assertThat(ApiRequest.of("POST /api/v1/namespaces/team-a/secrets"))
                .contains(new ApiRequest("create", "", "secrets"));
        assertThat(ApiRequest.of("PUT /api/v1/namespaces/team-a/secrets/acr-secret"))
                .contains(new ApiRequest("update", "", "secrets"));
        assertThat(ApiRequest.of("PATCH /api/v1/namespaces/team-a/serviceaccounts/default"))
                .contains(new ApiRequest("patch", "", "serviceaccounts"));
        assertThat(ApiRequest.of("DELETE /api/v1/namespaces/team-a/secrets/acr-secret"))
                .contains(new ApiRequest("delete", "", "secrets"));
        assertThat(ApiRequest.of("DELETE /api/v1/namespaces/team-a/secrets?labelSelector=a%3Db"))
                .contains(new ApiRequest("deletecollection", "", "secrets"));
        assertThat(ApiRequest.of("GET /api/v1/services?watch=true"))
                .contains(new ApiRequest("watch", "", "services"));
        assertThat(ApiRequest.of("POST /api/v1/namespaces/team-a/serviceaccounts/default/token"))
                .contains(new ApiRequest("create", "", "serviceaccounts/token"));
        assertThat(ApiRequest.of("GET /apis/acrpull.microsoft.com/v1beta2/namespaces/team-a/acrpullbindings/x"))
                .contains(new ApiRequest("get", "acrpull.microsoft.com", "acrpullbindings"));
    }

    @Test
    void discoveryAndVersionAreNotResourceRequests() {
        for (String request : new String[] {"GET /version", "GET /api", "GET /api/v1", "GET /apis",
                "GET /apis/acrpull.microsoft.com", "GET /apis/acrpull.microsoft.com/v1beta2"}) {
            assertThat(ApiRequest.of(request)).as(request).isEqualTo(Optional.empty());
        }
    }
}
