package io.pullbridge.web;

import io.pullbridge.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Keeps the committed contract, {@code openapi/openapi.yaml}, equal to the API the code serves, so that every change
 * to the API shows up as a change to the contract in review. With {@code -Dopenapi.write=true} the test rewrites the
 * file instead of comparing it, and ends aborted (skipped, saying why) so that a run with the flag never shows green.
 */
@IntegrationTest
class OpenApiContractTests {

    static final Path CONTRACT = Path.of("openapi", "openapi.yaml");
    static final String REGENERATE = "./mvnw -B -ntp test -Dtest=OpenApiContractTests -Dopenapi.write=true";

    @Autowired
    MockMvc mvc;

    @Test
    void theCommittedContractIsTheApiTheCodeServes() throws Exception {
        String served = normalize(mvc.perform(get("/v3/api-docs.yaml"))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8));

        if (Boolean.getBoolean("openapi.write")) {
            Files.createDirectories(CONTRACT.toAbsolutePath().getParent());
            Files.writeString(CONTRACT, served);
            abort("-Dopenapi.write=true rewrote " + CONTRACT + " and checked nothing: review the change, commit it, "
                    + "and run this test again without the flag");
        }
        if (!Files.exists(CONTRACT)) {
            fail("%s is missing. Generate it, then commit it:%n  %s", CONTRACT, REGENERATE);
        }
        String committed = normalize(Files.readString(CONTRACT));
        if (!committed.equals(served)) {
            fail("%s differs from the API the code serves (%s).%nIf the API change is intended, regenerate the "
                    + "contract and commit it:%n  %s", CONTRACT, firstDifference(committed, served), REGENERATE);
        }
    }

    private static String normalize(String yaml) {
        return yaml.replace("\r\n", "\n").stripTrailing() + "\n";
    }

    private static String firstDifference(String committed, String served) {
        List<String> expected = committed.lines().toList();
        List<String> actual = served.lines().toList();
        for (int line = 0; line < Math.max(expected.size(), actual.size()); line++) {
            String want = line < expected.size() ? expected.get(line).strip() : "<end of file>";
            String got = line < actual.size() ? actual.get(line).strip() : "<end of file>";
            if (!want.equals(got)) {
                return "first difference at line " + (line + 1) + ": committed '" + want + "', served '" + got + "'";
            }
        }
        return "they differ only in indentation";
    }
}
