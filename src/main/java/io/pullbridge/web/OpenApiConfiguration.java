package io.pullbridge.web;

import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Contact;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The published contract: its header (title, contact, bearer scheme, a relative server so the document is stable) and
 * what every operation shares, written once here rather than on each controller: the problem documents of its errors,
 * the 401 and 403 every API call can get, the job an accepted write or action names, and the optional ticket header.
 * Clients are generated from it, so it must say what the API answers, and lint clean.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String API = "/api/";
    private static final String PROBLEM = "#/components/schemas/Problem";
    private static final String CORRELATION_ID = "CorrelationId";
    private static final String IDEMPOTENCY_KEY = "IdempotencyKey";
    private static final String OPERATION_LOCATION = "Operation-Location";
    private static final Set<PathItem.HttpMethod> WRITES = Set.of(PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT,
            PathItem.HttpMethod.PATCH, PathItem.HttpMethod.DELETE);

    @Bean
    OpenAPI pullBridgeOpenApi() {
        return new OpenAPI()
                .info(new Info().title("PullBridge API").version("v1").description("""
                        Gives Kubernetes clusters pull access to Azure Container Registry and keeps it correct. \
                        Every resource has a spec (what you asked for) and a status (what was observed). \
                        Errors are RFC 9457 problem documents. Authenticate with a bearer token whose `roles` \
                        claim holds Reader, Operator or Admin.""")
                        .contact(new Contact().name("PullBridge").url("https://pullbridge.io"))
                        .license(new License().name("Proprietary").url("https://pullbridge.io")))
                .servers(List.of(new Server().url("/").description("This PullBridge instance")))
                .components(new Components().addSecuritySchemes("bearer", new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    /**
     * Every API operation can be refused for its token (401) or its roles (403), every list for a filter, limit or
     * page token it cannot read (400), and every write that takes {@code If-Match} for a stale ETag (412); every
     * error response is an RFC 9457 problem document: controllers declare only
     * the status and what it means, and this gives each 4xx and 5xx response the {@code application/problem+json} body
     * (replacing the any-type content springdoc infers from the exception handlers).
     */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            ModelConverters.getInstance(true).readAll(Problem.class).forEach(openApi.getComponents()::addSchemas);
            Content problem = new Content().addMediaType("application/problem+json",
                    new MediaType().schema(new Schema<>().$ref(PROBLEM)));
            apiOperations(openApi).forEach(operation -> {
                ApiResponses responses = operation.getResponses();
                if (isList(operation)) {
                    responses.computeIfAbsent("400", status -> new ApiResponse()
                            .description("A filter, limit, order or pageToken that is not valid"));
                }
                if (takesIfMatch(operation)) {
                    responses.computeIfAbsent("412", status -> new ApiResponse()
                            .description("If-Match does not match the current ETag"));
                }
                responses.computeIfAbsent("401", status -> new ApiResponse()
                        .description("No bearer token, or one that is not valid"));
                responses.computeIfAbsent("403", status -> new ApiResponse()
                        .description("The token's roles do not allow this"));
            });
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation ->
                    operation.getResponses().forEach((status, response) -> {
                        if (status.startsWith("4") || status.startsWith("5")) {
                            response.setContent(problem);
                        }
                    })));
            sortResponses(openApi);
        };
    }

    /**
     * What the answers carry besides the body: JSON (springdoc says any type where a handler does not name one), and
     * on a 202 the {@code Operation-Location} of the job doing the work; every write takes an optional
     * {@code X-Correlation-Id}, and every POST an optional {@code Idempotency-Key}.
     */
    @Bean
    OpenApiCustomizer acceptedAndCorrelatedOperations() {
        return openApi -> {
            openApi.getComponents().addParameters(CORRELATION_ID, new Parameter().in("header")
                    .name("X-Correlation-Id").required(false)
                    .description("A ticket number to find this request's jobs and audit events by (1 to 128 letters, "
                            + "digits and . _ : # / -); echoed in the response")
                    .schema(new StringSchema().pattern("^[A-Za-z0-9._:#/-]{1,128}$")));
            openApi.getComponents().addParameters(IDEMPOTENCY_KEY, new Parameter().in("header")
                    .name(IdempotencyFilter.HEADER).required(false)
                    .description("The same key with the same body within 24 hours replays the first answer; with "
                            + "another body it is a 409 (1 to 255 visible ASCII characters)")
                    .schema(new StringSchema().pattern("^[\\x21-\\x7E]{1,255}$")));
            openApi.getComponents().addHeaders(OPERATION_LOCATION, new Header()
                    .description("The job doing the work: /api/v1/jobs/{id}").schema(new StringSchema()));
            openApi.getPaths().forEach((route, path) -> {
                if (!route.startsWith(API)) {
                    return;
                }
                path.readOperationsMap().forEach((method, operation) -> {
                    if (WRITES.contains(method)) {
                        operation.addParametersItem(new Parameter().$ref("#/components/parameters/" + CORRELATION_ID));
                    }
                    if (method == PathItem.HttpMethod.POST) {
                        operation.addParametersItem(new Parameter().$ref("#/components/parameters/" + IDEMPOTENCY_KEY));
                    }
                    operation.getResponses().forEach((status, response) -> {
                        if (!status.startsWith("2") || response.getContent() == null) {
                            return;
                        }
                        MediaType any = response.getContent().remove("*/*");
                        if (any != null) {
                            response.getContent().addMediaType("application/json", any);
                        }
                        if (status.equals("202")) {
                            response.addHeaderObject(OPERATION_LOCATION,
                                    new Header().$ref("#/components/headers/" + OPERATION_LOCATION));
                        }
                    });
                });
            });
        };
    }

    private static List<Operation> apiOperations(OpenAPI openApi) {
        return openApi.getPaths().entrySet().stream()
                .filter(path -> path.getKey().startsWith(API))
                .flatMap(path -> path.getValue().readOperations().stream())
                .toList();
    }

    private static boolean isList(Operation operation) {
        return operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(parameter -> "pageToken".equals(parameter.getName()));
    }

    private static boolean takesIfMatch(Operation operation) {
        return operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(parameter -> "header".equals(parameter.getIn()) && "If-Match".equals(parameter.getName()));
    }

    /** Responses by status code, so the document reads (and diffs) the same whichever customizer added which. */
    private static void sortResponses(OpenAPI openApi) {
        openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
            ApiResponses sorted = new ApiResponses();
            operation.getResponses().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(entry -> sorted.addApiResponse(entry.getKey(), entry.getValue()));
            sorted.setExtensions(operation.getResponses().getExtensions());
            operation.setResponses(sorted);
        }));
    }
}
