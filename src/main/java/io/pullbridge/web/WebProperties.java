package io.pullbridge.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits at the HTTP edge ({@code pullbridge.web.*}).
 *
 * @param maxRequestBody       the largest request body accepted; a larger one is refused with 413 before it is
 *                             parsed (it also bounds kubeconfigs sent in a body)
 * @param refusalLogInterval   requests refused without a valid token are counted in a metric and logged at most once
 *                             per interval, the line saying how many more were refused since the previous one
 */
@ConfigurationProperties("pullbridge.web")
public record WebProperties(@DefaultValue("1MB") DataSize maxRequestBody,
                            @DefaultValue("PT1M") Duration refusalLogInterval) {

    static final DataSize LOWEST_MAX_REQUEST_BODY = DataSize.ofKilobytes(16);
    static final DataSize HIGHEST_MAX_REQUEST_BODY = DataSize.ofMegabytes(64);

    @ConstructorBinding
    public WebProperties {
        maxRequestBody = maxRequestBody == null ? DataSize.ofMegabytes(1) : maxRequestBody;
        refusalLogInterval = refusalLogInterval == null ? Duration.ofMinutes(1) : refusalLogInterval;
        if (maxRequestBody.compareTo(LOWEST_MAX_REQUEST_BODY) < 0
                || maxRequestBody.compareTo(HIGHEST_MAX_REQUEST_BODY) > 0) {
            throw new IllegalArgumentException("pullbridge.web.max-request-body must be between 16KB and 64MB, not "
                    + maxRequestBody.toBytes() + " bytes");
        }
        if (refusalLogInterval.isNegative() || refusalLogInterval.isZero()) {
            throw new IllegalArgumentException("pullbridge.web.refusal-log-interval must be positive, not "
                    + refusalLogInterval);
        }
    }

    /** The defaults: 1 MiB bodies, one refusal log line a minute. */
    static WebProperties defaults() {
        return new WebProperties(DataSize.ofMegabytes(1), Duration.ofMinutes(1));
    }
}
