package io.pullbridge.sandbox;

import io.pullbridge.support.Api;
import io.pullbridge.support.Registries;
import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The README walkthrough's {@code await}, taken from README.md as a reader pastes it and run by bash with curl and jq
 * against the running application: it ends with what it waited for, and it stops with the problem document when a
 * call fails or the resource or job ends failed, instead of polling forever.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@AutoConfigureMockMvc
@ContextConfiguration(initializers = TestPlatform.class)
class ReadmeAwaitTests {

    /** Beyond await's own 300 polls, however loaded the machine: only there so that a loop that never stops fails. */
    private static final Duration BOUND = Duration.ofMinutes(8);

    private static String walkthroughHead;

    @LocalServerPort
    int port;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    private final TestTokens tokens = TestTokens.instance();

    @BeforeAll
    static void readTheWalkthroughsFirstBlock() throws IOException {
        assumeTrue(onPath("bash") && onPath("curl") && onPath("jq"),
                "bash, curl and jq are what the README walkthrough runs; without them this test cannot run it");
        String readme = Files.readString(Path.of("README.md"));
        Matcher block = Pattern.compile("```shell\n(BASE=[^`]*?await\\(\\) \\{[^`]*?)```").matcher(readme);
        assertThat(block.find()).as("README's walkthrough defines await() in a shell block starting with BASE=").isTrue();
        walkthroughHead = block.group(1);
    }

    @Test
    void aReadyResourceIsPrintedAndTheWaitSucceeds() throws Exception {
        Registries.Registered registry = Registries.registered(mvc, jdbc);

        Run run = await("$API/registries/" + registry.id(), tokens.token("reader", "Reader"));

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("\"phase\":\"Ready\"").contains(registry.resourceId());
    }

    @Test
    void withoutATokenItStopsAtOnceWithTheProblemDocument() throws Exception {
        Registries.Registered registry = Registries.registered(mvc, jdbc);

        Run run = await("$API/registries/" + registry.id(), "");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.stderr()).contains("\"status\": 401").contains("\"title\"");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void anIdThatIsNotThereStopsWithTheNotFoundProblem() throws Exception {
        Run run = await("$API/registries/" + UUID.randomUUID(), tokens.token("reader", "Reader"));

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.stderr()).contains("\"status\": 404");
    }

    @Test
    void aResourceThatEndsFailedStopsWithItsStatusAndSoDoesItsJob() throws Exception {
        String missing = "/subscriptions/" + UUID.randomUUID()
                + "/resourceGroups/rg-shared/providers/Microsoft.ContainerRegistry/registries/notinazure";
        MockHttpServletResponse created = Api.operator(mvc)
                .post("/api/v1/registries", "{\"resourceId\": \"" + missing + "\"}")
                .andExpect(status().isAccepted()).andReturn().getResponse();
        String operation = created.getHeader("Operation-Location");

        Run resource = await("$API/registries/" + created.getHeader("Location").substring(created.getHeader("Location").lastIndexOf('/') + 1), tokens.token("reader", "Reader"));
        Run job = await("$BASE" + operation, tokens.token("reader", "Reader"));

        assertThat(resource.exit()).as(resource.toString()).isEqualTo(1);
        assertThat(resource.stderr()).contains("\"phase\": \"Failed\"");
        assertThat(resource.stdout()).isEmpty();
        assertThat(job.exit()).as(job.toString()).isEqualTo(1);
        assertThat(job.stderr()).contains("\"state\": \"failed\"").contains("\"lastError\"").contains("azure-registry-not-found");
    }

    private Run await(String url, String token) throws IOException, InterruptedException {
        Path script = Files.createTempFile("await", ".sh");
        try {
            Files.writeString(script, walkthroughHead + "\nawait " + url + "\n");
            ProcessBuilder bash = new ProcessBuilder("bash", script.toString());
            bash.environment().put("SERVER_PORT", Integer.toString(port));
            bash.environment().put("PULLBRIDGE_TOKEN", token);
            Path out = Files.createTempFile("await", ".out");
            Path err = Files.createTempFile("await", ".err");
            Process process = bash.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean ended = process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            assertThat(ended).as("await %s ended", url).isTrue();
            Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return run;
        } finally {
            Files.delete(script);
        }
    }

    private static boolean onPath(String command) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
