package io.pullbridge.support.registry;

import io.pullbridge.support.azure.AzureEmulatorTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import tools.jackson.databind.json.JsonMapper;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CNCF distribution registry (Debian's {@code docker-registry} package, {@code /usr/bin/docker-registry}) run
 * for a test class: a config file and filesystem storage in a temporary directory, a free loopback port, and either
 * htpasswd users (bcrypt), a token service ({@code auth.token}), or no authentication. Over HTTPS it presents the
 * identity the test JVM already trusts ({@link AzureEmulatorTrust}), so clients need no test hook; plain HTTP is
 * there for loopback-only checks. {@link #push} puts an image in through the registry API.
 * <p>
 * Without the binary the calling tests are skipped (a JUnit assumption, see {@link #assumeInstalled()}), never
 * passed.
 */
public final class DistributionRegistry implements AutoCloseable {

    public static final String NOT_INSTALLED = "docker-registry not installed: apt-get install docker-registry";
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Path directory;
    private final Process process;
    private final Thread killOnExit;
    private final int port;
    private final boolean tls;

    private DistributionRegistry(Path directory, Process process, int port, boolean tls) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.tls = tls;
        // Should the test JVM end without closing it, the registry must not outlive it.
        this.killOnExit = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Skips the calling test when the registry binary is not installed. Call it before each test, not only in a
     * {@code @BeforeAll}: Surefire counts tests skipped one by one, but reports a class aborted as a whole as
     * "Tests run: 0", which reads like nothing was there to run.
     */
    public static void assumeInstalled() {
        assumeTrue(installed(), NOT_INSTALLED);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {

        private final Map<String, String> users = new LinkedHashMap<>();
        private TokenServer tokens;
        private String realm;
        private boolean tls = true;

        /** htpasswd authentication with these users and passwords (hashed with bcrypt into the file). */
        public Builder user(String name, String password) {
            users.put(name, password);
            return this;
        }

        /** Token authentication, trusting tokens from this token service and sending clients to its realm. */
        public Builder tokens(TokenServer tokenServer) {
            return tokens(tokenServer, tokenServer.realm());
        }

        /** Token authentication, trusting tokens from this token service but naming another realm. */
        public Builder tokens(TokenServer tokenServer, String challengeRealm) {
            this.tokens = tokenServer;
            this.realm = challengeRealm;
            return this;
        }

        /** Plain HTTP instead of HTTPS (the default). */
        public Builder plainHttp() {
            this.tls = false;
            return this;
        }

        public DistributionRegistry start() {
            assumeInstalled();
            if (tokens != null && !users.isEmpty()) {
                throw new IllegalStateException("A registry authenticates with htpasswd or with tokens, not both");
            }
            Path directory;
            try {
                directory = Files.createTempDirectory("pullbridge-registry-");
                if (tls) {
                    AzureEmulatorTrust.writeTrustedIdentity(directory.resolve("tls.crt"), directory.resolve("tls.key"));
                }
                if (!users.isEmpty()) {
                    BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
                    StringBuilder htpasswd = new StringBuilder();
                    users.forEach((name, password) -> htpasswd.append(name).append(':')
                            .append(bcrypt.encode(password)).append('\n'));
                    Files.writeString(directory.resolve("htpasswd"), htpasswd);
                }
                if (tokens != null) {
                    Files.writeString(directory.resolve("token-signer.pem"), tokens.signingCertificatePem());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot prepare the registry's directory", e);
            }
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                try {
                    Path config = directory.resolve("config.yml");
                    Files.writeString(config, config(directory, port));
                    Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(directory.resolve("registry.log").toFile())
                            .start();
                    DistributionRegistry registry = new DistributionRegistry(directory, process, port, tls);
                    if (registry.awaitListening()) {
                        return registry;
                    }
                    last = new IllegalStateException("docker-registry did not start on port " + port + ":\n"
                            + registry.log());
                    registry.stop();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot start docker-registry", e);
                }
            }
            deleteRecursively(directory);
            throw last;
        }

        private String config(Path directory, int port) {
            StringBuilder yaml = new StringBuilder();
            yaml.append("version: 0.1\n");
            yaml.append("log:\n  level: info\n  accesslog:\n    disabled: true\n");
            yaml.append("storage:\n  filesystem:\n    rootdirectory: ").append(quoted(directory.resolve("data")))
                    .append("\n  delete:\n    enabled: true\n");
            yaml.append("http:\n  addr: 127.0.0.1:").append(port).append("\n  secret: pullbridge-test\n");
            if (tls) {
                yaml.append("  tls:\n    certificate: ").append(quoted(directory.resolve("tls.crt")))
                        .append("\n    key: ").append(quoted(directory.resolve("tls.key"))).append('\n');
            }
            if (!users.isEmpty()) {
                yaml.append("auth:\n  htpasswd:\n    realm: pullbridge-test\n    path: ")
                        .append(quoted(directory.resolve("htpasswd"))).append('\n');
            }
            if (tokens != null) {
                yaml.append("auth:\n  token:\n    realm: ").append(quoted(realm))
                        .append("\n    service: ").append(quoted(tokens.service()))
                        .append("\n    issuer: ").append(quoted(TokenServer.ISSUER))
                        .append("\n    rootcertbundle: ").append(quoted(directory.resolve("token-signer.pem")))
                        .append('\n');
            }
            return yaml.toString();
        }

        private static String quoted(Object value) {
            return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /** What goes into a login's server field: {@code 127.0.0.1:port}, or with {@code http://} when plain. */
    public String server() {
        return (tls ? "" : "http://") + "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public URI url(String path) {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + path);
    }

    /** The registry's output so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(directory.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Pushes a one-layer image (an empty tar, gzipped, and its config) as {@code repository:tag} with a Docker v2
     * manifest, through the registry API: monolithic blob uploads, then the manifest.
     *
     * @param authorization the Authorization header value for the pushes, or {@code null} without authentication
     * @return the manifest's digest, as the registry reported it
     */
    public String push(String repository, String tag, String authorization) {
        byte[] tar = new byte[1024];
        byte[] layer = gzip(tar);
        byte[] config = JsonMapper.shared().writeValueAsBytes(Map.of("architecture", "amd64", "os", "linux",
                "config", Map.of(), "rootfs", Map.of("type", "layers", "diff_ids", List.of(digest(tar)))));
        uploadBlob(repository, config, authorization);
        uploadBlob(repository, layer, authorization);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.docker.distribution.manifest.v2+json");
        manifest.put("config", Map.of("mediaType", "application/vnd.docker.container.image.v1+json",
                "size", config.length, "digest", digest(config)));
        manifest.put("layers", List.of(Map.of("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size", layer.length, "digest", digest(layer))));
        byte[] body = JsonMapper.shared().writeValueAsBytes(manifest);
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), authorization, 201);
        String digest = response.headers().firstValue("Docker-Content-Digest").orElseThrow();
        if (!digest.equals(digest(body))) {
            throw new IllegalStateException("The registry reports manifest " + digest + " for " + digest(body));
        }
        return digest;
    }

    private void uploadBlob(String repository, byte[] blob, String authorization) {
        HttpResponse<String> started = send(HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), authorization, 202);
        URI location = url("/").resolve(started.headers().firstValue("Location").orElseThrow());
        String separator = location.getRawQuery() == null ? "?" : "&";
        send(HttpRequest.newBuilder(URI.create(location + separator + "digest=" + digest(blob)))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)), authorization, 201);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String authorization, int expected) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpRequest built = request.timeout(Duration.ofSeconds(20)).build();
        try {
            HttpResponse<String> response = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(built.method() + " " + built.uri().getPath() + " answered "
                        + response.statusCode() + " instead of " + expected + ": " + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Polls the port (every 20 ms, up to {@link #STARTUP}) until it accepts connections or the process ends. */
    private boolean awaitListening() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return true;
            } catch (IOException notYet) {
                try {
                    TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private void stop() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(directory);
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
