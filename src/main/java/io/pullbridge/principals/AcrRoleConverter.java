package io.pullbridge.principals;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter
class AcrRoleConverter implements AttributeConverter<AcrRole, String> {

    @Override
    public String convertToDatabaseColumn(AcrRole role) {
        return role == null ? null : role.value();
    }

    @Override
    public AcrRole convertToEntityAttribute(String value) {
        return value == null ? null : AcrRole.fromValue(value);
    }
}
