package io.pullbridge.web;

import java.util.Arrays;

/** Strong ETags from a resource's version, and the {@code If-Match} check that guards updates and deletes. */
public final class ETags {

    private ETags() {
    }

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * @param ifMatch the request's {@code If-Match} header, or null when absent (the write is unconditional)
     * @throws ApiException 412 when the header names no current representation
     */
    public static void checkIfMatch(String ifMatch, long currentVersion) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return;
        }
        String current = of(currentVersion);
        boolean matches = Arrays.stream(ifMatch.split(","))
                .map(String::strip)
                .anyMatch(tag -> tag.equals("*") || tag.equals(current));
        if (!matches) {
            throw new ApiException(ProblemType.PRECONDITION_FAILED,
                    "If-Match " + ifMatch.strip() + " does not match the current ETag " + current
                            + "; read the resource again");
        }
    }
}
