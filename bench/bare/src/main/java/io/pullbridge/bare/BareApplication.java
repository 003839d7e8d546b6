package io.pullbridge.bare;

import java.time.Instant;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The bare application PullBridge's start-up and memory are compared with: web, JPA, Flyway, PostgreSQL and a JWT
 * resource server, one entity read by id.
 */
@SpringBootApplication
public class BareApplication {

    public static void main(String[] args) {
        SpringApplication.run(BareApplication.class, args);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(oauth2 -> oauth2.jwt(Customizer.withDefaults()))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @RestController
    static class ItemController {
        private final ItemRepository items;

        ItemController(ItemRepository items) {
            this.items = items;
        }

        @PostMapping("/items")
        Item create() {
            return items.save(new Item(UUID.randomUUID(), "item", Instant.now()));
        }

        @GetMapping("/items/{id}")
        ResponseEntity<Item> get(@PathVariable UUID id) {
            return ResponseEntity.of(items.findById(id));
        }
    }
}
