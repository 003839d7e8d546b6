package io.pullbridge.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.RetryStrategy;
import io.pullbridge.common.AzureProperties;
import io.pullbridge.common.Causes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Retries an Azure call in place only briefly: a few times on 408, 5xx (not 501/505) and I/O errors, and on a 429 or
 * 503 only when Azure asks for a wait no longer than {@code maxDelay}. A longer {@code Retry-After} goes straight back
 * to the job engine, which waits without holding a worker. Nothing else is retried here: credentials that Entra
 * refuses, 4xx answers (PrincipalNotFound included) are the job's to judge.
 */
final class BoundedRetryStrategy implements RetryStrategy {

    private final AzureProperties.Retry settings;

    BoundedRetryStrategy(AzureProperties.Retry settings) {
        this.settings = settings;
    }

    @Override
    public int getMaxRetries() {
        return settings.maxRetries();
    }

    @Override
    public Duration calculateRetryDelay(int retryAttempts) {
        Duration delay = settings.baseDelay().multipliedBy(1L << Math.min(retryAttempts, 16));
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    @Override
    public boolean shouldRetry(HttpResponse response) {
        int status = response.getStatusCode();
        boolean retriable = status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
        if (!retriable) {
            return false;
        }
        Optional<Duration> retryAfter = AzureFailures.retryAfter(response.getHeaders());
        return retryAfter.isEmpty() ? status != 429 : retryAfter.get().compareTo(settings.maxDelay()) <= 0;
    }

    @Override
    public boolean shouldRetryException(Throwable throwable) {
        for (Throwable t : Causes.chain(throwable)) {
            if (t instanceof ClientAuthenticationException) {
                // A refused credential stays refused; an unreachable authority host is I/O below it.
                return AzureFailures.hasIoCause(t);
            }
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
