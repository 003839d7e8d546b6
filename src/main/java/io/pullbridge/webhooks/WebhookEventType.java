package io.pullbridge.webhooks;

import java.util.Arrays;
import java.util.Optional;

/** What a subscription can ask to be told about; the value is the CloudEvents {@code type}. */
public enum WebhookEventType {
    JOB_SUCCEEDED("job.succeeded"),
    JOB_FAILED("job.failed"),
    BINDING_PHASE_CHANGED("binding.phase-changed"),
    CREDENTIAL_EXPIRING("credential.expiring"),
    CREDENTIAL_ROTATED("credential.rotated"),
    CLUSTER_UNREACHABLE("cluster.unreachable");

    private final String value;

    WebhookEventType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    static Optional<WebhookEventType> fromValue(String value) {
        return Arrays.stream(values()).filter(type -> type.value.equals(value)).findFirst();
    }

    static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(WebhookEventType::value).toList());
    }

    @Override
    public String toString() {
        return value;
    }
}
