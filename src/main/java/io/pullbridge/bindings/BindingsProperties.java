package io.pullbridge.bindings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code pullbridge.bindings.*}.
 *
 * @param writeParallelism how many namespaces a pull-secret pass writes at once, each pass on its own (the kubernetes
 *                         adapter also bounds concurrent calls per cluster and rate-limits them)
 * @param verifySample     how many target namespaces a verification reads the secret back from (0: all of them)
 * @param verifyTimeout    how long each call of a verification's registry handshake may take
 */
@ConfigurationProperties("pullbridge.bindings")
record BindingsProperties(@DefaultValue("16") int writeParallelism,
                          @DefaultValue("5") int verifySample,
                          @DefaultValue("PT10S") Duration verifyTimeout) {

    BindingsProperties {
        if (writeParallelism < 1 || writeParallelism > 256) {
            throw new IllegalArgumentException("pullbridge.bindings.write-parallelism must be 1 to 256");
        }
        if (verifySample < 0) {
            throw new IllegalArgumentException("pullbridge.bindings.verify-sample must be 0 (all) or more");
        }
    }
}
