package io.pullbridge.web;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The embedded Tomcat behind the API: what it refuses before the application sees a request is answered as a
 * problem document ({@link ProblemErrorReportValve}), form bodies it parses itself are held to
 * {@code pullbridge.web.max-request-body}, and query strings to {@link WebConfiguration#MAX_PARAMETERS}
 * parameters. Its parser stays strict: {@code relaxedPathChars} and {@code relaxedQueryChars} are left empty, so raw
 * {@code { } | \ } in a URL are refused.
 */
@Configuration(proxyBeanMethods = false)
class TomcatConfiguration {

    @Bean
    ProblemErrorPages problemErrorPages(ObjectProvider<UnauthenticatedRequests> refusals, WebProperties properties) {
        return new ProblemErrorPages(refusals, properties);
    }

    static final class ProblemErrorPages implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final ObjectProvider<UnauthenticatedRequests> refusals;
        private final WebProperties properties;

        ProblemErrorPages(ObjectProvider<UnauthenticatedRequests> refusals, WebProperties properties) {
            this.refusals = refusals;
            this.properties = properties;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addConnectorCustomizers(connector -> {
                connector.setMaxPostSize((int) properties.maxRequestBody().toBytes());
                connector.setMaxParameterCount(WebConfiguration.MAX_PARAMETERS);
            });
            factory.addContextCustomizers(context -> {
                // Spring Boot installs Tomcat's own ErrorReportValve on the host; this one replaces it.
                StandardHost host = (StandardHost) context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                host.getPipeline().addValve(new ProblemErrorReportValve(refusals::getIfAvailable));
            });
        }

        /** After Spring Boot's own Tomcat customizers, whose settings these replace. */
        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
