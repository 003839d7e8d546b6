package io.pullbridge.kubernetes;

import io.pullbridge.clusters.EntraTokens;
import io.pullbridge.clusters.KubernetesClusters;
import io.pullbridge.clusters.ServerHostPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Kubernetes adapter's beans. Nothing connects to a cluster until a job asks for it. */
@Configuration(proxyBeanMethods = false)
class KubernetesConfiguration {

    @Bean
    KubernetesClusters kubernetesClusters(KubernetesProperties properties, ServerHostPolicy hostPolicy,
                                          EntraTokens entraTokens) {
        return new KubernetesClients(properties, hostPolicy, entraTokens);
    }
}
