package io.pullbridge.jobs;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

@Converter
class JobStateConverter implements AttributeConverter<JobState, String> {

    @Override
    public String convertToDatabaseColumn(JobState state) {
        return state == null ? null : state.value();
    }

    @Override
    public JobState convertToEntityAttribute(String value) {
        return value == null ? null : JobState.fromValue(value);
    }
}
