package io.pullbridge.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One page of a list. {@code nextPageToken} is absent on the last page. */
public record PageResponse<T>(List<T> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextPageToken) {
}
