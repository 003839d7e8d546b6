package io.pullbridge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class PullBridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(PullBridgeApplication.class, args);
    }
}
