package io.pullbridge.azure;

import io.pullbridge.jobs.JobFailure;
import io.pullbridge.registries.RegistryTokenStore.GeneratedPassword;
import io.pullbridge.registries.RegistryTokenStore.PasswordSlot;
import io.pullbridge.support.azure.AzureEmulator;
import io.pullbridge.support.azure.AzureEmulatorTrust;
import io.pullbridge.support.azure.EmulatedRegistry;
import io.pullbridge.support.azure.GraphServicePrincipal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Azure SDK logs whole HTTP requests and answers when {@code AZURE_HTTP_LOG_DETAIL_LEVEL=body_and_headers} is set,
 * and an operator chasing a problem sets it. Answers to generateCredentials carry passwords and token requests carry
 * the client secret (PullBridge's own, or an adopted principal's it proves by signing in), so the adapter pins SDK HTTP
 * logging off. The variable is read once per JVM, so this test runs the
 * adapter in a child JVM that has it set and reads everything that JVM printed.
 * <p>
 * The child starts from a one-line source file rather than a main method here: {@code spring-boot:test-run} starts
 * the local sandbox by finding the only main class in the test sources, so there must be no other.
 */
public class AzureHttpLoggingTests {

    private static final String PASSWORD_LINE = "generated-password=";
    private static final String ADOPTED_LINE = "adopted-password=";
    private static final String WRONG_LINE = "wrong-password=";
    private static final String TOKEN_LINE = "adopted-token=";
    private static final List<String> SECRET_LINES = List.of(PASSWORD_LINE, ADOPTED_LINE, WRONG_LINE, TOKEN_LINE);

    @Test
    void noSecretIsLoggedEvenWhenTheEnvironmentAsksTheSdkForBodies(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("child.log");
        Path launcher = dir.resolve("ChildLauncher.java");
        java.nio.file.Files.writeString(launcher, "public class ChildLauncher { public static void main(String[] a) "
                + "throws Exception { " + Child.class.getCanonicalName() + ".run(); } }");
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), launcher.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        child.environment().put("AZURE_HTTP_LOG_DETAIL_LEVEL", "body_and_headers");
        child.environment().put("AZURE_LOG_LEVEL", "verbose");
        Process process = child.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the child JVM finished").isTrue();
        List<String> lines = java.nio.file.Files.readAllLines(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();

        List<String> logged = lines.stream().filter(line -> SECRET_LINES.stream().noneMatch(line::startsWith))
                .toList();
        // The child did log (so a leak would have shown up), but no secret: neither a generated password, nor
        // PullBridge's client secret, nor an adopted principal's password (right or wrong) or the token it got.
        assertThat(logged).anySatisfy(line -> assertThat(line).contains("com.azure"));
        String log = String.join("\n", logged);
        assertThat(log).doesNotContain(AzureTestSupport.CLIENT_SECRET).doesNotContain("generateCredentials");
        for (String marker : SECRET_LINES) {
            String secret = lines.stream().filter(line -> line.startsWith(marker)).findFirst()
                    .map(line -> line.substring(marker.length())).orElseThrow();
            assertThat(log).as(marker).doesNotContain(secret);
        }
    }

    /** Runs in the child JVM: a token password generated through the adapter against a fresh emulator. */
    public static final class Child {

        private Child() {
        }

        public static void run() throws IOException {
            new AzureEmulatorTrust().launcherSessionOpened(null);
            try (AzureEmulator emulator = AzureEmulator.start()) {
                emulator.registerPullBridge(AzureTestSupport.CLIENT_ID, AzureTestSupport.CLIENT_SECRET);
                EmulatedRegistry registry = emulator.addRegistry(AzureTestSupport.SUBSCRIPTION, "rg1", "logregistry");
                AzureRegistryTokenStore tokens = new AzureRegistryTokenStore(AzureTestSupport.clients(emulator));
                tokens.putScopeMap(registry.id(), "pull-scope", Map.of("app", List.of("content/read")));
                tokens.putToken(registry.id(), "puller", "pull-scope");
                GeneratedPassword generated = tokens.generatePassword(registry.id(), "puller",
                        PasswordSlot.PASSWORD1, Instant.now().plus(Duration.ofDays(30)));
                System.out.println(PASSWORD_LINE + generated.value());

                GraphServicePrincipal adopted = emulator.addServicePrincipal("adopted");
                String password = emulator.addPassword(adopted, "adopted-" + UUID.randomUUID(),
                        Instant.now().plus(Duration.ofDays(30))).secretText();
                String wrong = "wrong-" + UUID.randomUUID();
                AzureEntraDirectory entra = new AzureEntraDirectory(AzureTestSupport.clients(emulator));
                entra.provePossession(UUID.fromString(emulator.tenantId()), UUID.fromString(adopted.appId()), password);
                try {
                    entra.provePossession(UUID.fromString(emulator.tenantId()), UUID.fromString(adopted.appId()),
                            wrong);
                    throw new IllegalStateException("a wrong password was accepted");
                } catch (JobFailure refused) {
                    System.out.println("refused: " + refused.problem().detail());
                }
                System.out.println(ADOPTED_LINE + password);
                System.out.println(WRONG_LINE + wrong);
                System.out.println(TOKEN_LINE + emulator.issuedTokens().stream()
                        .filter(token -> token.clientId().equals(adopted.appId())).findFirst().orElseThrow()
                        .accessToken());
            }
        }
    }
}
