package io.pullbridge.access;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the access page ({@code static/ui/access.html}, plain HTML, CSS and script: no front-end build) at
 * {@code /ui/access}. It reads {@code /api/v1/access} with the token a person pastes into it.
 */
@Configuration(proxyBeanMethods = false)
class AccessPage implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/ui/access").setViewName("forward:/ui/access.html");
    }
}
