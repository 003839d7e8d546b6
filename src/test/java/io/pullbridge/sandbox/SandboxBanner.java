package io.pullbridge.sandbox;

import io.pullbridge.support.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Once the sandbox is ready, tells its user where to go and hands them an Admin token: printed, and written to
 * {@code target/sandbox/admin.token} (or {@code pullbridge.sandbox.token-file}) for scripts.
 */
final class SandboxBanner implements ApplicationListener<ApplicationReadyEvent> {

    static final String ADMIN_SUBJECT = "local-admin";
    static final Duration TOKEN_LIFETIME = Duration.ofHours(12);
    static final String DEFAULT_TOKEN_FILE = "target/sandbox/admin.token";

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Environment environment = event.getApplicationContext().getEnvironment();
        String base = "http://localhost:" + environment.getProperty("local.server.port")
                + environment.getProperty("server.servlet.context-path", "");
        Instant expiresAt = Instant.now().plus(TOKEN_LIFETIME).truncatedTo(ChronoUnit.SECONDS);
        String token = TestTokens.instance().tokenValidFor(TOKEN_LIFETIME, ADMIN_SUBJECT, "Admin");
        Path tokenFile = Path.of(environment.getProperty("pullbridge.sandbox.token-file", DEFAULT_TOKEN_FILE));
        write(tokenFile, token);
        System.out.println(banner(base, token, expiresAt, tokenFile));
        System.out.flush();
    }

    static String banner(String base, String token, Instant expiresAt, Path tokenFile) {
        String rule = "=".repeat(100);
        return """

                %1$s
                  PullBridge local sandbox is ready (embedded PostgreSQL; its data goes when the sandbox stops)

                  Swagger UI : %2$s/swagger-ui.html   (press Authorize and paste the token below)
                  OpenAPI    : %2$s/v3/api-docs   (YAML: %2$s/v3/api-docs.yaml)
                  Health     : %2$s/actuator/health

                  Admin bearer token, subject %3$s, roles [Admin], valid until %4$s, also in %5$s:

                %6$s

                  In a shell:
                export PULLBRIDGE_TOKEN=%6$s
                curl -H "Authorization: Bearer $PULLBRIDGE_TOKEN" %2$s/api/v1/registries

                  Azure and two Kubernetes clusters are emulated in this JVM: the README walkthrough drives them.
                  Stop with Ctrl+C.
                %1$s
                """.formatted(rule, base, ADMIN_SUBJECT, expiresAt, tokenFile.toAbsolutePath().normalize(), token);
    }

    private static void write(Path file, String token) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, token + "\n");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the sandbox's admin token to " + file, e);
        }
    }
}
