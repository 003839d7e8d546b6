package io.pullbridge.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spellings under which a secret would show if it leaked, written out independently of the code under test: as
 * is, JSON-escaped, URL-encoded, and in standard and URL-safe base64.
 */
public final class SecretForms {

    private SecretForms() {
    }

    public static Set<String> of(String... secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            String escaped = JsonMapper.shared().writeValueAsString(secret);
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            forms.add(secret);
            forms.add(escaped.substring(1, escaped.length() - 1));
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            forms.add(Base64.getEncoder().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().encodeToString(bytes));
        }
        return forms;
    }

    /** Asserts that no form of the secrets is in any of the texts. */
    public static void assertNoneIn(String what, List<String> texts, String... secrets) {
        Set<String> forms = of(secrets);
        for (String text : texts) {
            for (String form : forms) {
                assertThat(text).as("%s must not hold %s", what, form).doesNotContain(form);
            }
        }
    }

    /**
     * Every row of the tables PullBridge records jobs, resources, audit events and webhook events and deliveries in,
     * as JSON text.
     */
    public static List<String> recorded(JdbcClient jdbc) {
        List<String> rows = new ArrayList<>();
        for (String table : List.of("jobs", "bindings", "audit_events", "clusters", "service_principals",
                "registry_tokens", "registries", "webhook_events", "webhook_deliveries")) {
            rows.addAll(jdbc.sql("select row_to_json(t)::text from " + table + " t").query(String.class).list());
        }
        return rows;
    }
}
