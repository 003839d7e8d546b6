package io.pullbridge.web;

import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The published contract's header: title, bearer scheme, and a relative server so the document is stable. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI pullBridgeOpenApi() {
        return new OpenAPI()
                .info(new Info().title("PullBridge API").version("v1").description("""
                        Gives Kubernetes clusters pull access to Azure Container Registry and keeps it correct. \
                        Every resource has a spec (what you asked for) and a status (what was observed). \
                        Errors are RFC 9457 problem documents. Authenticate with a bearer token whose `roles` \
                        claim holds Reader, Operator or Admin."""))
                .servers(List.of(new Server().url("/").description("This PullBridge instance")))
                .components(new Components().addSecuritySchemes("bearer", new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    /**
     * Every error response is an RFC 9457 problem document: controllers declare only the status and what it means,
     * and this gives each 4xx and 5xx response the {@code application/problem+json} body (replacing the any-type content
     * springdoc infers from the exception handlers).
     */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            ModelConverters.getInstance(true).readAll(Problem.class).forEach(openApi.getComponents()::addSchemas);
            Content problem = new Content().addMediaType("application/problem+json",
                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")));
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation ->
                    operation.getResponses().forEach((status, response) -> {
                        if (status.startsWith("4") || status.startsWith("5")) {
                            response.setContent(problem);
                        }
                    })));
        };
    }
}
