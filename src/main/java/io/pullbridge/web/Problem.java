package io.pullbridge.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pullbridge.common.Reference;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code type} is stable and documented; {@code errors} lists invalid
 * fields; {@code references} names what blocks a refused delete.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(
        URI type,
        String title,
        int status,
        String detail,
        String instance,
        String requestId,
        List<FieldViolation> errors,
        List<Reference> references) {
}
