package io.pullbridge.clusters;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter
class ClusterKindConverter implements AttributeConverter<ClusterKind, String> {

    @Override
    public String convertToDatabaseColumn(ClusterKind kind) {
        return kind == null ? null : kind.value();
    }

    @Override
    public ClusterKind convertToEntityAttribute(String value) {
        if (value == null) {
            return null;
        }
        for (ClusterKind kind : ClusterKind.values()) {
            if (kind.value().equals(value)) {
                return kind;
            }
        }
        throw new IllegalStateException("Unknown cluster kind in the database: " + value);
    }
}
