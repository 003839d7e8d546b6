package io.pullbridge.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The committed contract lints with no error and no warning under Spectral's {@code spectral:oas} rules and Redocly's
 * {@code recommended} ones, as a client generator and an API portal read it. Both linters come from npm through
 * {@code npx} (pinned versions, cached by npm after the first run); without {@code npx} the test is skipped, saying so.
 */
class OpenApiLintTests {

    static final String SPECTRAL = "@stoplight/spectral-cli@6.16.3";
    static final String REDOCLY = "@redocly/cli@2.77.0";
    private static final long TIMEOUT_MINUTES = 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void npxIsThere() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder("npx", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            if (probe.waitFor(1, TimeUnit.MINUTES) && probe.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // not installed: skipped below
        }
        abort("npx (Node.js and npm) is not installed: the contract's Spectral and Redocly lint was NOT run. "
                + "Install Node.js (Debian: apt-get install nodejs npm; .ci/run does) to run it");
    }

    @Test
    void spectralFindsNothingUnderTheOasRules() throws Exception {
        Run run = npx(SPECTRAL, "spectral", "lint", "--ruleset", "openapi/.spectral.yaml", "--format", "json",
                "--fail-severity", "hint", "--quiet", OpenApiContractTests.CONTRACT.toString());

        JsonNode results = JSON.readTree(run.stdout().substring(Math.max(0, run.stdout().indexOf('['))));
        List<String> problems = new ArrayList<>();
        results.forEach(result -> problems.add(result.path("code").asString() + " at "
                + result.path("path").toString() + ": " + result.path("message").asString()));
        assertThat(problems).as("Spectral's findings (%s)", run).isEmpty();
        assertThat(run.exit()).as(run.toString()).isZero();
    }

    @Test
    void redoclyFindsNeitherErrorsNorWarningsUnderItsRecommendedRules() throws Exception {
        String node = run("node", "--version").trim();
        if (!nodeRunsRedocly(node)) {
            abort("Redocly CLI needs Node.js 20.19 or later (22.12 or later from 21 on), and this machine has " + node
                    + ": the contract's Redocly lint was NOT run");
        }
        Run run = npx(REDOCLY, "redocly", "lint", "--extends", "recommended", "--format", "json",
                OpenApiContractTests.CONTRACT.toString());

        JsonNode report = JSON.readTree(run.stdout().substring(Math.max(0, run.stdout().indexOf('{'))));
        List<String> problems = new ArrayList<>();
        report.path("problems").forEach(problem -> problems.add(problem.path("severity").asString() + " "
                + problem.path("ruleId").asString() + " at " + problem.path("location").path(0).path("pointer")
                .asString() + ": " + problem.path("message").asString()));
        assertThat(problems).as("Redocly's findings (%s)", run).isEmpty();
        assertThat(report.path("totals").path("errors").asInt(-1)).as(run.toString()).isZero();
        assertThat(report.path("totals").path("warnings").asInt(-1)).as(run.toString()).isZero();
        assertThat(run.exit()).as(run.toString()).isZero();
    }

    static boolean nodeRunsRedocly(String version) {
        String[] parts = version.replaceFirst("^v", "").split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        return major == 20 ? minor >= 19 : major == 22 ? minor >= 12 : major > 22;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(1, TimeUnit.MINUTES);
        return output;
    }

    private static Run npx(String pkg, String command, String... arguments) throws Exception {
        List<String> line = new ArrayList<>(List.of("npx", "--yes", "--package", pkg, "--", command));
        line.addAll(List.of(arguments));
        Path out = Files.createTempFile("lint", ".out");
        Path err = Files.createTempFile("lint", ".err");
        try {
            Process process = new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", line) + " did not end within " + TIMEOUT_MINUTES
                        + " minutes");
            }
            return new Run(String.join(" ", line), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private record Run(String command, int exit, String stdout, String stderr) {

        @Override
        public String toString() {
            return command + " exited " + exit + "; stderr: " + stderr.strip();
        }
    }
}
