package io.pullbridge.web;

import io.pullbridge.PullBridgeApplication;
import io.pullbridge.support.IntegrationTest;
import io.pullbridge.support.TestPlatform;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** What an orchestrator and an operator rely on: probes and info without a token, and a refusal to run unsafely. */
@IntegrationTest
class OperationsIntegrationTests {

    @Autowired
    MockMvc mvc;

    @Test
    void livenessAnswersWithoutAToken() throws Exception {
        mvc.perform(get("/actuator/health/liveness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
    }

    @Test
    void readinessIncludesTheDatabaseAndAnswersWithoutAToken() throws Exception {
        mvc.perform(get("/actuator/health/readiness"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.components.db.status").value("UP"))
                .andExpect(jsonPath("$.components.readinessState.status").value("UP"));
    }

    @Test
    void infoNamesTheServiceWithoutAToken() throws Exception {
        mvc.perform(get("/actuator/info"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.app.name").value("PullBridge"))
                .andExpect(jsonPath("$.java.version").isNotEmpty());
    }

    @Test
    void refusesToStartWithoutAMasterKey() {
        Map<String, Object> properties = new HashMap<>(TestPlatform.properties("nokey"));
        properties.remove("pullbridge.security.master-key");
        properties.put("server.port", "0");
        SpringApplication application = new SpringApplication(PullBridgeApplication.class);
        application.addInitializers(context -> context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("without-master-key", properties)));

        Throwable failure = catchThrowable(() -> {
            try (ConfigurableApplicationContext started = application.run()) {
                // reaching this line means it started: the assertion below reports it
            }
        });

        assertThat(failure).as("PullBridge started without pullbridge.security.master-key").isNotNull();
        assertThat(failure).rootCause().hasMessageContaining("pullbridge.security.master-key is not set");
    }
}
