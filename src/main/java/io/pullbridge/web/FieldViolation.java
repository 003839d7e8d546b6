package io.pullbridge.web;

/** One invalid field of a request: where it is (a JSON path such as {@code grants[0].role}) and what is wrong. */
public record FieldViolation(String field, String message) {
}
