package io.pullbridge.access;

import io.pullbridge.support.TestPlatform;
import io.pullbridge.support.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The access page in a real browser: headless Chromium loads {@code /ui/access} from the running application, the
 * page reads {@code /api/v1/access} with the token it was given, and the test reads each cell's state from the DOM the
 * page built. A screenshot is kept in {@code target/ui-access.png}. Skipped, saying so, where Chromium is not
 * installed ({@code .ci/run} installs Debian's {@code chromium}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // A database of its own: the page shows every pair there is, so no other test's bindings may be in it.
        properties = {"management.server.port=0", "pullbridge.test.database=access-page"})
@ContextConfiguration(initializers = TestPlatform.class)
class AccessPageBrowserTests {

    private static final Pattern CELL = Pattern.compile(
            "<td class=\"pair state-(\\w+)\" data-state=\"(\\w+)\" data-cluster=\"([^\"]+)\" data-registry=\"([^\"]+)\">");

    private static Path chromium;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final TestTokens tokens = TestTokens.instance();

    @BeforeAll
    static void findChromium() {
        chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .flatMap(name -> Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst().orElse(null);
        if (chromium == null) {
            System.err.println("AccessPageBrowserTests: no chromium on PATH (apt-get install chromium): skipped");
        }
        assumeTrue(chromium != null, "no chromium on PATH: the access page's browser test is skipped");
    }

    @Test
    void thePageDrawsEachPairInTheColourOfItsStateAndLinksItsBindings() throws Exception {
        AccessFixtures fixtures = new AccessFixtures(jdbc);
        UUID contoso = fixtures.registry("contosoacr");
        UUID fabrikam = fixtures.registry("fabrikamacr");
        UUID prod = fixtures.cluster("prod-weu");
        UUID edge = fixtures.unreachableCluster("edge-1");
        UUID onprem = fixtures.cluster("onprem");
        UUID effective = fixtures.kubeletBinding(contoso, prod, "Ready");
        fixtures.verification(effective, "succeeded", Instant.now().minusSeconds(30), null);
        UUID failed = fixtures.pullSecretBinding(fabrikam, prod, fixtures.servicePrincipal(
                Instant.now().plusSeconds(86_400)), null, "Failed");
        fixtures.kubeletBinding(contoso, edge, "Ready");
        fixtures.kubeletBinding(fabrikam, onprem, "Ready");

        String dom = browse("--dump-dom");

        Map<String, String> cells = cells(dom);
        assertThat(cells).containsExactlyInAnyOrderEntriesOf(Map.of(
                "prod-weu/contosoacr", "effective",
                "prod-weu/fabrikamacr", "failed",
                "edge-1/contosoacr", "degraded",
                "onprem/fabrikamacr", "unverified"));
        assertThat(dom).contains("href=\"/api/v1/bindings/" + effective + "\"")
                .contains("href=\"/api/v1/bindings/" + failed + "\"")
                .contains("4 pairs, 3 clusters, 2 registries")
                .doesNotContain(token());
        // Three clusters, two registries: the cells without a binding are drawn empty.
        assertThat(dom.split("<td class=\"empty\"", -1)).hasSize(3);

        Path screenshot = Path.of("target", "ui-access.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        browse("--screenshot=" + screenshot, "--window-size=1280,720");
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(5_000);
    }

    @Test
    void thePageIsServedWithoutATokenUnderAPolicyThatLetsItReachOnlyItsOwnOrigin() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base() + "/ui/access")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> data = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/access")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.body()).contains("<script src=\"access.js\" defer></script>");
        assertThat(data.statusCode()).as("the data still takes a token").isEqualTo(401);
    }

    private String browse(String... what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
                "--virtual-time-budget=15000"));
        command.addAll(List.of(what));
        // The token travels in the fragment, which the browser never sends; the page takes it into memory.
        command.add(base() + "/ui/access#token=" + token());
        Path out = Files.createTempFile("chromium", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("chromium ended").isTrue();
        String output = Files.readString(out);
        Files.delete(out);
        return output;
    }

    private static Map<String, String> cells(String dom) {
        Map<String, String> cells = new HashMap<>();
        Matcher cell = CELL.matcher(dom);
        while (cell.find()) {
            assertThat(cell.group(1)).as("the cell's colour class is its state").isEqualTo(cell.group(2));
            cells.put(cell.group(3) + "/" + cell.group(4), cell.group(2));
        }
        return cells;
    }

    private String token() {
        return Optional.ofNullable(cachedToken).orElseGet(() -> cachedToken = tokens.token("portal", "Reader"));
    }

    private String cachedToken;

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
