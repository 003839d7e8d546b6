package io.pullbridge.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.SecretMask;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a job step failed, as an RFC 9457 problem document with the failure's class and, when the failure came from
 * a remote service, that service's request id. Never holds a secret.
 *
 * @param type         a stable URI under {@code https://pullbridge.io/problems/}
 * @param remoteRequestId e.g. Azure's {@code x-ms-request-id}, so operators can quote it to the service owner
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobProblem(String type, String title, int status, String detail, FailureClass failureClass,
                         String remoteRequestId) {

    public static final String BASE = "https://pullbridge.io/problems/";

    public static JobProblem of(String slug, String title, int status, String detail, FailureClass failureClass) {
        return new JobProblem(BASE + slug, title, status, detail, failureClass, null);
    }

    public JobProblem withRemoteRequestId(String requestId) {
        return new JobProblem(type, title, status, detail, failureClass, requestId);
    }

    /** This problem with its detail (which may quote a remote service) masked; itself when nothing changes. */
    public JobProblem masked(SecretMask mask) {
        String masked = mask.apply(detail);
        return masked == null || masked.equals(detail) ? this
                : new JobProblem(type, title, status, masked, failureClass, remoteRequestId);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", type);
        map.put("title", title);
        map.put("status", status);
        if (detail != null) {
            map.put("detail", detail);
        }
        map.put("failureClass", failureClass.value());
        if (remoteRequestId != null) {
            map.put("remoteRequestId", remoteRequestId);
        }
        return map;
    }
}
