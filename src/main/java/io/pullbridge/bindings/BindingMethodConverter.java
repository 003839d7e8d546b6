package io.pullbridge.bindings;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter
class BindingMethodConverter implements AttributeConverter<BindingMethod, String> {

    @Override
    public String convertToDatabaseColumn(BindingMethod method) {
        return method == null ? null : method.value();
    }

    @Override
    public BindingMethod convertToEntityAttribute(String value) {
        if (value == null) {
            return null;
        }
        for (BindingMethod method : BindingMethod.values()) {
            if (method.value().equals(value)) {
                return method;
            }
        }
        throw new IllegalStateException("Unknown binding method in the database: " + value);
    }
}
