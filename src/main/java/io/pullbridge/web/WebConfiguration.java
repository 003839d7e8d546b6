package io.pullbridge.web;

import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.StreamReadConstraints;

/**
 * Query parameters name enum values as the JSON bodies do ({@code method=pull-secret}, {@code state=queued}); JSON
 * bodies are parsed within bounds no request of this API comes near.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    /** The deepest request nests 3 levels (a token's repositories: object, map, list of actions). */
    static final int MAX_JSON_NESTING_DEPTH = 32;
    static final int MAX_JSON_NUMBER_LENGTH = 100;
    /** Query parameters per request: no list takes more than eight. */
    static final int MAX_PARAMETERS = 100;

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverterFactory(new JsonValueEnumConverterFactory());
    }

    @Bean
    JsonFactoryBuilderCustomizer boundedJsonParsing() {
        return factory -> factory.streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_JSON_NESTING_DEPTH)
                .maxNumberLength(MAX_JSON_NUMBER_LENGTH)
                .build());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class JsonValueEnumConverterFactory implements ConverterFactory<String, Enum> {
        @Override
        public <T extends Enum> Converter<String, T> getConverter(Class<T> targetType) {
            return source -> {
                String value = source.strip();
                for (T constant : targetType.getEnumConstants()) {
                    if (constant.toString().equals(value) || constant.name().equals(value)) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("no " + targetType.getSimpleName() + " named " + value);
            };
        }
    }
}
