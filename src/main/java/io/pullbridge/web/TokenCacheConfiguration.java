package io.pullbridge.web;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Puts {@link CachedJwtDecoder} in front of the decoder Spring Boot builds from
 * {@code spring.security.oauth2.resourceserver.jwt.*}, which keeps deciding what a valid token is.
 */
@Configuration(proxyBeanMethods = false)
class TokenCacheConfiguration {

    @Bean
    static BeanPostProcessor cachedJwtDecoder(ObjectProvider<Clock> clock, ObjectProvider<TokenProperties> tokens) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (!(bean instanceof JwtDecoder decoder) || bean instanceof CachedJwtDecoder) {
                    return bean;
                }
                TokenProperties properties = tokens.getObject();
                if (properties.tokenCacheSize() == 0) {
                    return bean;
                }
                return new CachedJwtDecoder(decoder, clock.getObject(), properties.tokenCacheSize(),
                        properties.tokenCacheMaxAge());
            }
        };
    }
}
