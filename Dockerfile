# PullBridge container image: built from source in a JDK stage, run from the layered jar on a JRE as a non-root user.
#   docker build -t pullbridge .
# Configuration comes from environment variables; see README.md ("Running for real") and docker-compose.yml.

# --- build ------------------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace

# The wrapper, its settings and the POM first: the layer with Maven and every dependency is rebuilt only when they change.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
RUN ./mvnw -B -ntp dependency:go-offline

COPY db/ db/
COPY src/ src/
RUN ./mvnw -B -ntp -DskipTests package \
    && cp target/pullbridge-*.jar app.jar \
    && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# --- run --------------------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="PullBridge" \
      org.opencontainers.image.description="Control plane that gives Kubernetes clusters pull access to Azure Container Registry"

RUN groupadd --system --gid 10001 pullbridge \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin pullbridge
WORKDIR /app

# Layers from the least to the most often changed, so an application change ships as a small top layer.
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./

# Numeric, so that Kubernetes' runAsNonRoot can verify it. The application writes only to /tmp.
USER 10001:10001
# 8080 is the API. 8081 is the management port (health probes, /actuator/prometheus without a token): publish it only
# where the orchestrator and the scraper run, never to the API's users.
ENV MANAGEMENT_SERVER_PORT=8081
EXPOSE 8080 8081

# The image has no curl or wget to rely on: bash's /dev/tcp asks for the liveness probe and expects a 200.
# docker-compose.yml checks readiness the same way; Kubernetes uses its own httpGet probes (deploy/).
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /actuator/health/liveness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# Extra JVM flags: JAVA_TOOL_OPTIONS. SIGTERM starts Spring's graceful shutdown (server.shutdown=graceful).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "org.springframework.boot.loader.launch.JarLauncher"]
