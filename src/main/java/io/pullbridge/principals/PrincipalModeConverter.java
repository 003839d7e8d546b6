package io.pullbridge.principals;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter
class PrincipalModeConverter implements AttributeConverter<PrincipalMode, String> {

    @Override
    public String convertToDatabaseColumn(PrincipalMode mode) {
        return mode == null ? null : mode.value();
    }

    @Override
    public PrincipalMode convertToEntityAttribute(String value) {
        if (value == null) {
            return null;
        }
        for (PrincipalMode mode : PrincipalMode.values()) {
            if (mode.value().equals(value)) {
                return mode;
            }
        }
        throw new IllegalStateException("Unknown service principal mode in the database: " + value);
    }
}
