package io.pullbridge.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Query parameters name enum values as the JSON bodies do ({@code method=pull-secret}, {@code state=queued}). */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverterFactory(new JsonValueEnumConverterFactory());
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
