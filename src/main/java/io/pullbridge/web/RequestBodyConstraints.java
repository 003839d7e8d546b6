package io.pullbridge.web;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.lang.reflect.Type;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Checks every request body against the Bean Validation constraints of its class (the size caps on list fields,
 * {@code @Size(max = ...)}) as soon as it is read, before the controller or a feature's own rules look at it: a list
 * of a hundred thousand names is refused by its size, with one field error, instead of name by name. Features
 * declare the caps on their request records; no controller needs {@code @Valid}.
 */
@ControllerAdvice
class RequestBodyConstraints extends RequestBodyAdviceAdapter {

    private final Validator validator;

    RequestBodyConstraints(Validator validator) {
        this.validator = validator;
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
                            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        Set<ConstraintViolation<Object>> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            List<FieldViolation> errors = violations.stream()
                    .map(violation -> new FieldViolation(violation.getPropertyPath().toString(), violation.getMessage()))
                    .sorted(Comparator.comparing(FieldViolation::field))
                    .toList();
            throw ApiException.invalid(errors);
        }
        return body;
    }
}
