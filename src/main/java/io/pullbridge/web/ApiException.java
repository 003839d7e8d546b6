package io.pullbridge.web;

import io.pullbridge.common.Reference;
import java.util.List;
import java.util.UUID;

/**
 * A refusal the API explains to its caller. Features throw it; {@link ApiExceptionHandler} turns it into a
 * problem document. The message is the problem's {@code detail} and must never hold a secret.
 */
public class ApiException extends RuntimeException {

    private final ProblemType type;
    private final List<FieldViolation> errors;
    private final List<Reference> references;

    public ApiException(ProblemType type, String detail) {
        this(type, detail, List.of(), List.of());
    }

    public ApiException(ProblemType type, String detail, List<FieldViolation> errors, List<Reference> references) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = List.copyOf(errors);
        this.references = List.copyOf(references);
    }

    public static ApiException notFound(String kind, UUID id) {
        return new ApiException(ProblemType.NOT_FOUND, "No " + kind + " with id " + id);
    }

    public static ApiException invalid(String field, String message) {
        return invalid(List.of(new FieldViolation(field, message)));
    }

    public static ApiException invalid(List<FieldViolation> errors) {
        return new ApiException(ProblemType.VALIDATION_FAILED, summary(errors), errors, List.of());
    }

    public static ApiException unknownReference(String field, String kind, UUID id) {
        String message = "no " + kind + " with id " + id;
        return new ApiException(ProblemType.UNKNOWN_REFERENCE, field + ": " + message,
                List.of(new FieldViolation(field, message)), List.of());
    }

    public static ApiException semantic(String field, String message) {
        return new ApiException(ProblemType.SEMANTIC_ERROR, field + ": " + message,
                List.of(new FieldViolation(field, message)), List.of());
    }

    public static ApiException inUse(String kind, UUID id, List<Reference> blockers) {
        return new ApiException(ProblemType.RESOURCE_IN_USE, "The " + kind + " " + id + " is used by "
                + blockers.size() + " other resource(s); remove them first", List.of(), blockers);
    }

    /** The resource is being deleted: it can no longer change, nor be referenced by new resources. */
    public static ApiException deleting(String field, String kind, UUID id) {
        String message = "the " + kind + " " + id + " is being deleted";
        return new ApiException(ProblemType.INVALID_STATE, (field == null ? "" : field + ": ") + message,
                field == null ? List.of() : List.of(new FieldViolation(field, message)), List.of());
    }

    public static ApiException alreadyExists(String field, String detail) {
        return new ApiException(ProblemType.ALREADY_EXISTS, detail, List.of(new FieldViolation(field, detail)),
                List.of());
    }

    private static String summary(List<FieldViolation> errors) {
        if (errors.size() == 1) {
            return errors.get(0).field() + ": " + errors.get(0).message();
        }
        return errors.size() + " fields are not valid";
    }

    public ProblemType type() {
        return type;
    }

    public List<FieldViolation> errors() {
        return errors;
    }

    public List<Reference> references() {
        return references;
    }
}
