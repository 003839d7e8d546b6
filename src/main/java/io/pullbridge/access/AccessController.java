package io.pullbridge.access;

import io.pullbridge.web.ApiException;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/access")
@Tag(name = "Access", description = "Which cluster can pull from which registry, and whether that is true right now")
class AccessController {

    private static final String STATES = Arrays.stream(AccessState.values()).map(AccessState::value)
            .collect(Collectors.joining(", "));

    private final FleetAccess access;

    AccessController(FleetAccess access) {
        this.access = access;
    }

    @GetMapping
    @Operation(operationId = "listAccess", summary = "The fleet access view: cluster and registry pairs",
            description = "One item per cluster and registry that bindings join, sorted by cluster name, then registry "
                    + "name. Each binding of the pair shows its method, phase, its latest ended verification (result "
                    + "and time) and when the password behind it expires. A binding's state is failed (its job "
                    + "failed), degraded (Degraded phase, a failed last verification, an unreachable cluster or an "
                    + "expired password), effective (Ready and the last verification succeeded) or unverified "
                    + "(anything else, such as never verified); the pair's state is its worst binding's. Filter by "
                    + "cluster, registry and the pair's state.")
    @ApiResponse(responseCode = "200", description = "One page of pairs")
    @ApiResponse(responseCode = "400", description = "An unknown state, a malformed id, limit or pageToken")
    PageResponse<AccessPair> list(
            @RequestParam(required = false) UUID clusterId,
            @RequestParam(required = false) UUID registryId,
            @Parameter(description = "effective, degraded, failed or unverified") @RequestParam(required = false)
            String state,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String pageToken) {
        AccessState wanted = state == null ? null : AccessState.of(state)
                .orElseThrow(() -> ApiException.invalid("state", "must be one of " + STATES));
        int size = PageQuery.of(limit, null).limit();
        AccessPageToken after = AccessPageToken.parse(pageToken);
        List<AccessPair> pairs = access.pairs(clusterId, registryId, wanted, after, size + 1);
        if (pairs.size() <= size) {
            return new PageResponse<>(pairs, null);
        }
        List<AccessPair> shown = pairs.subList(0, size);
        return new PageResponse<>(List.copyOf(shown), AccessPageToken.after(shown.get(size - 1)).value());
    }
}
