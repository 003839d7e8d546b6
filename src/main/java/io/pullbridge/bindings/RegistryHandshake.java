package io.pullbridge.bindings;

import io.pullbridge.bindings.PullCheck.Exchange;
import io.pullbridge.bindings.PullCheck.Reason;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Proves that a registry login can pull, by the Docker Registry HTTP API v2 handshake a container runtime performs:
 * {@code GET /v2/} for the challenge; for a {@code Bearer} challenge, a token from the challenge's realm (with
 * {@code service} and, when an image is named, {@code scope=repository:<repo>:pull}) fetched with the login as Basic
 * credentials; for a {@code Basic} challenge, the login itself; then {@code GET /v2/} again with that authorization
 * and, when an image is named, {@code HEAD /v2/<repo>/manifests/<tag or digest>}.
 * <p>
 * The answer is a {@link PullCheck}, never an exception for anything the registry or the network does. Credentials
 * travel only over HTTPS, trusted through the JVM's default trust store; plain HTTP is allowed only to loopback hosts
 * and only when {@link Settings#plainHttpOnLoopback()} says so (tests), for the registry and its token realm alike.
 * Redirects are not followed, every request has a deadline and every response body is read up to a bound. Nothing
 * secret (password, Authorization header, token) ends up in a result, a log line or an exception.
 */
public final class RegistryHandshake {

    /** What a runtime accepts when it pulls: OCI index and manifest, Docker manifest list and v2 manifest. */
    static final String MANIFEST_MEDIA_TYPES = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private static final Logger log = LoggerFactory.getLogger(RegistryHandshake.class);
    private static final String USER_AGENT = "PullBridge (registry handshake)";
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(?:\\.[0-9]{1,3}){3}");
    private static final int MAX_DETAIL_LENGTH = 200;

    private final Settings settings;
    private final HttpClient http;

    public RegistryHandshake() {
        this(Settings.defaults());
    }

    public RegistryHandshake(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * How the handshake talks to registries.
     *
     * @param connectTimeout      bound on opening one connection (TCP and TLS)
     * @param requestTimeout      bound on one request, from sending it to the end of its (bounded) body
     * @param maxResponseBytes    the most body bytes read from one response; a longer one is an unexpected answer
     * @param plainHttpOnLoopback whether {@code http://} is allowed for loopback hosts ({@code localhost},
     *                            {@code 127.0.0.0/8}, {@code ::1}): for tests and local sandboxes, never elsewhere
     */
    public record Settings(Duration connectTimeout, Duration requestTimeout, int maxResponseBytes,
                           boolean plainHttpOnLoopback) {

        public Settings {
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(requestTimeout, "requestTimeout");
            if (maxResponseBytes < 1024) {
                throw new IllegalArgumentException("maxResponseBytes must be at least 1024");
            }
        }

        /** 5 s to connect, 15 s per request, 256 KiB per response, HTTPS only. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(15), 256 * 1024, false);
        }

        public Settings withPlainHttpOnLoopback(boolean allowed) {
            return new Settings(connectTimeout, requestTimeout, maxResponseBytes, allowed);
        }

        public Settings withTimeouts(Duration connect, Duration request) {
            return new Settings(connect, request, maxResponseBytes, plainHttpOnLoopback);
        }

        private static void requirePositive(Duration duration, String name) {
            if (duration == null || duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException(name + " must be a positive duration");
            }
        }
    }

    /** Checks that the login is accepted by its registry; no repository is named, so pull rights are not checked. */
    public PullCheck verify(RegistryLogin login) {
        return verify(login, null);
    }

    /**
     * Checks that {@code login} can pull {@code image} from the registry the login names.
     *
     * @param image the image whose manifest must be readable, or {@code null} to check only the credentials
     * @throws IllegalArgumentException when the login's server is no registry address, or the image names another
     *                                  registry than the login
     */
    public PullCheck verify(RegistryLogin login, ImageReference image) {
        Objects.requireNonNull(login, "login");
        Endpoint endpoint = Endpoint.of(login.server());
        if (image != null && image.registry() != null && !image.registry().equals(endpoint.authority())) {
            throw new IllegalArgumentException("The image " + image + " is on " + image.registry()
                    + ", but the login is for " + endpoint.authority());
        }
        PullCheck check = new Attempt(login, endpoint, image).run();
        log.debug("Registry handshake with {} for user {}: {} {}", endpoint.authority(), login.username(),
                check.reason(), check.exchanges());
        return check;
    }

    /** The registry's base URL, from a {@code .dockerconfigjson} server key: a host, host:port, or a URL. */
    private record Endpoint(String scheme, String authority) {

        static Endpoint of(String server) {
            String rest = server.strip();
            String scheme = "https";
            int separator = rest.indexOf("://");
            if (separator >= 0) {
                scheme = rest.substring(0, separator).toLowerCase(Locale.ROOT);
                rest = rest.substring(separator + 3);
            }
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("A registry server is reached over https: '" + server + "'");
            }
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                rest = rest.substring(0, slash);
            }
            try {
                URI uri = new URI(scheme + "://" + rest + "/");
                if (uri.getHost() == null || uri.getRawUserInfo() != null || rest.isEmpty()) {
                    throw new IllegalArgumentException("Not a registry server: '" + server + "'");
                }
                return new Endpoint(scheme, rest.toLowerCase(Locale.ROOT));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("Not a registry server: '" + server + "'");
            }
        }

        URI resolve(String path) {
            return URI.create(scheme + "://" + authority + path);
        }
    }

    /** One verification: its own exchanges, secrets to keep out of messages, and the outcome. */
    private final class Attempt {

        private final RegistryLogin login;
        private final Endpoint endpoint;
        private final ImageReference image;
        private final List<Exchange> exchanges = new ArrayList<>();
        private final List<String> secrets = new ArrayList<>();
        private final String basicAuthorization;
        private boolean usingBasic;

        Attempt(RegistryLogin login, Endpoint endpoint, ImageReference image) {
            this.login = login;
            this.endpoint = endpoint;
            this.image = image;
            String credentials = Base64.getEncoder().encodeToString(
                    (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
            this.basicAuthorization = "Basic " + credentials;
            secrets.add(login.password());
            secrets.add(credentials);
        }

        PullCheck run() {
            try {
                return handshake();
            } catch (Concluded concluded) {
                return concluded.check;
            }
        }

        private PullCheck handshake() throws Concluded {
            URI base = endpoint.resolve("/v2/");
            if (!transportAllowed(base)) {
                throw conclude(Reason.INSECURE_ENDPOINT, "The registry %s is addressed over plain HTTP; credentials "
                        + "are sent only over HTTPS.", endpoint.authority());
            }
            Reply first = send("GET", base, null, null);
            List<AuthChallenge> challenges;
            if (first.status() == 200) {
                if (image == null) {
                    return done(Reason.NO_AUTH_REQUIRED, null, "The registry %s needs no authentication: the "
                            + "credentials were not needed and not checked.", endpoint.authority());
                }
                Reply anonymous = headManifest(null);
                if (anonymous.status() == 200) {
                    return done(Reason.NO_AUTH_REQUIRED, digest(anonymous), "The registry %s serves %s without "
                            + "authentication: the credentials were not needed and not checked.",
                            endpoint.authority(), image);
                }
                if (anonymous.status() != 401) {
                    throw manifestFailure(anonymous);
                }
                challenges = challenges(anonymous);
            } else if (first.status() == 401) {
                challenges = challenges(first);
            } else {
                throw unexpectedStatus(first);
            }

            String authorization = authorize(challenges);
            Reply check = send("GET", base, authorization, null);
            if (check.status() == 401 || check.status() == 403) {
                if (usingBasic) {
                    throw conclude(Reason.CREDENTIALS_REJECTED, "The registry %s rejected the user name and password "
                            + "of %s%s.", endpoint.authority(), login.username(), detail(check));
                }
                throw conclude(Reason.UNEXPECTED_RESPONSE, "The registry %s refused the token its own token service "
                        + "issued to %s%s: the registry and its token service disagree.", endpoint.authority(),
                        login.username(), detail(check));
            }
            if (check.status() != 200) {
                throw unexpectedStatus(check);
            }
            if (image == null) {
                return done(Reason.CREDENTIALS_ACCEPTED, null, "The registry %s accepted the credentials of %s. No "
                        + "image was named, so pull access to a repository was not checked.", endpoint.authority(),
                        login.username());
            }
            Reply manifest = headManifest(authorization);
            if (manifest.status() == 200) {
                String digest = digest(manifest);
                return done(Reason.PULL_ALLOWED, digest, "%s can pull %s from %s%s.", login.username(), image,
                        endpoint.authority(), digest == null ? "" : " (manifest " + digest + ")");
            }
            throw manifestFailure(manifest);
        }

        private Reply headManifest(String authorization) throws Concluded {
            URI manifest = endpoint.resolve("/v2/" + image.repository() + "/manifests/" + image.reference());
            return send("HEAD", manifest, authorization, MANIFEST_MEDIA_TYPES);
        }

        private List<AuthChallenge> challenges(Reply reply) throws Concluded {
            List<AuthChallenge> challenges = AuthChallenge.parseAll(reply.response().headers()
                    .allValues("WWW-Authenticate"));
            if (challenges.isEmpty()) {
                throw conclude(Reason.UNEXPECTED_RESPONSE, "%s answered %d to %s without a WWW-Authenticate "
                        + "challenge.", endpoint.authority(), reply.status(), reply.exchange().url());
            }
            return challenges;
        }

        /** The Authorization header value the challenge asks for (a Bearer token fetched from its realm, or Basic). */
        private String authorize(List<AuthChallenge> challenges) throws Concluded {
            Optional<AuthChallenge> bearer = challenges.stream().filter(c -> c.is("Bearer")).findFirst();
            if (bearer.isPresent()) {
                return bearerToken(bearer.get());
            }
            if (challenges.stream().anyMatch(c -> c.is("Basic"))) {
                usingBasic = true;
                return basicAuthorization;
            }
            throw conclude(Reason.UNEXPECTED_RESPONSE, "The registry %s asks for %s authentication; a registry asks "
                    + "for Bearer or Basic.", endpoint.authority(),
                    String.join(" or ", challenges.stream().map(AuthChallenge::scheme).toList()));
        }

        private String bearerToken(AuthChallenge challenge) throws Concluded {
            String realm = challenge.param("realm").orElseThrow(() -> conclude(Reason.UNEXPECTED_RESPONSE,
                    "The registry %s sent a Bearer challenge without a realm.", endpoint.authority()));
            URI realmUri;
            try {
                realmUri = new URI(realm);
            } catch (URISyntaxException e) {
                throw conclude(Reason.UNEXPECTED_RESPONSE, "The registry %s names a token realm that is no URL.",
                        endpoint.authority());
            }
            String scheme = realmUri.getScheme() == null ? "" : realmUri.getScheme().toLowerCase(Locale.ROOT);
            if (!realmUri.isAbsolute() || realmUri.getHost() == null || realmUri.getRawUserInfo() != null
                    || !(scheme.equals("https") || scheme.equals("http"))) {
                throw conclude(Reason.UNEXPECTED_RESPONSE, "The registry %s names a token realm that is no absolute "
                        + "http(s) URL.", endpoint.authority());
            }
            if (!transportAllowed(realmUri)) {
                throw conclude(Reason.INSECURE_ENDPOINT, "The registry %s sends clients for tokens to %s over plain "
                        + "HTTP; credentials are sent only over HTTPS.", endpoint.authority(), withoutQuery(realmUri));
            }
            StringBuilder query = new StringBuilder();
            challenge.param("service").ifPresent(service -> appendParam(query, "service", service));
            if (image != null) {
                appendParam(query, "scope", image.pullScope());
            }
            appendParam(query, "account", login.username());
            String base = realm.contains("#") ? realm.substring(0, realm.indexOf('#')) : realm;
            URI tokenUri = URI.create(base + (realmUri.getRawQuery() == null ? "?" : "&") + query);

            Reply reply = send("GET", tokenUri, basicAuthorization, "application/json");
            if (reply.status() == 401 || reply.status() == 403) {
                throw conclude(Reason.CREDENTIALS_REJECTED, "The token service of %s (%s) rejected the user name and "
                        + "password of %s%s.", endpoint.authority(), withoutQuery(realmUri), login.username(),
                        detail(reply));
            }
            if (reply.status() != 200) {
                throw unexpectedStatus(reply);
            }
            String token = tokenFrom(reply);
            if (token == null) {
                throw conclude(Reason.UNEXPECTED_RESPONSE, "The token service of %s (%s) answered 200 without a "
                        + "token.", endpoint.authority(), withoutQuery(realmUri));
            }
            secrets.add(token);
            return "Bearer " + token;
        }

        private String tokenFrom(Reply reply) {
            JsonNode json = json(reply);
            if (json == null) {
                return null;
            }
            for (String field : List.of("token", "access_token")) {
                String value = json.path(field).stringValue(null);
                if (value != null && !value.isBlank() && value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    return value;
                }
            }
            return null;
        }

        private Concluded manifestFailure(Reply reply) {
            List<String> codes = errorCodes(reply);
            int status = reply.status();
            if (status == 404 || codes.contains("MANIFEST_UNKNOWN") || codes.contains("NAME_UNKNOWN")) {
                return conclude(Reason.IMAGE_NOT_FOUND, "The registry %s has no %s: the repository or the %s does "
                        + "not exist%s.", endpoint.authority(), image, image.byDigest() ? "digest" : "tag",
                        detail(reply));
            }
            if (status == 401 || status == 403 || codes.contains("DENIED") || codes.contains("UNAUTHORIZED")) {
                return conclude(Reason.PULL_DENIED, "%s may sign in to %s but may not pull %s (%d%s).",
                        login.username(), endpoint.authority(), image, status, detail(reply));
            }
            return unexpectedStatus(reply);
        }

        private Concluded unexpectedStatus(Reply reply) {
            int status = reply.status();
            if (status == 429 || status >= 500) {
                String retryAfter = reply.response().headers().firstValue("Retry-After")
                        .map(value -> ", Retry-After " + sanitize(value)).orElse("");
                return conclude(Reason.REGISTRY_UNAVAILABLE, "%s %s answered %d%s%s: the service cannot serve now.",
                        reply.exchange().method(), reply.exchange().url(), status, retryAfter, detail(reply));
            }
            if (status >= 300 && status < 400) {
                String location = reply.response().headers().firstValue("Location")
                        .map(value -> locationWithoutQuery(reply.response().uri(), value)).orElse("nowhere");
                return conclude(Reason.UNEXPECTED_RESPONSE, "%s %s was redirected (%d) to %s; redirects are not "
                        + "followed.", reply.exchange().method(), reply.exchange().url(), status, location);
            }
            return conclude(Reason.UNEXPECTED_RESPONSE, "%s %s answered %d%s, which the registry protocol does not "
                    + "describe here.", reply.exchange().method(), reply.exchange().url(), status, detail(reply));
        }

        private Reply send(String method, URI uri, String authorization, String accept) throws Concluded {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(settings.requestTimeout())
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("User-Agent", USER_AGENT)
                    .header("Accept", accept == null ? "application/json" : accept);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            String where = withoutQuery(uri);
            CompletableFuture<HttpResponse<Body>> pending = http.sendAsync(request.build(),
                    info -> new BoundedBody(settings.maxResponseBytes()));
            HttpResponse<Body> response;
            try {
                long deadline = settings.connectTimeout().plus(settings.requestTimeout()).toNanos();
                response = pending.get(deadline, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true);
                throw conclude(Reason.REGISTRY_UNREACHABLE, "%s %s got no answer within %s.", method, where,
                        describe(settings.connectTimeout().plus(settings.requestTimeout())));
            } catch (ExecutionException | CompletionException e) {
                throw transportFailure(method, uri, e.getCause() == null ? e : e.getCause());
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw conclude(Reason.REGISTRY_UNREACHABLE, "Interrupted while waiting for %s %s.", method, where);
            }
            Exchange exchange = new Exchange(method, where, response.statusCode());
            exchanges.add(exchange);
            if (response.body().truncated()) {
                throw conclude(Reason.UNEXPECTED_RESPONSE, "%s %s answered %d with a body longer than %d bytes.",
                        method, where, response.statusCode(), settings.maxResponseBytes());
            }
            return new Reply(exchange, response);
        }

        private Concluded transportFailure(String method, URI uri, Throwable error) {
            String host = uri.getRawAuthority();
            if (hasCause(error, CertificateException.class) || hasCause(error, CertPathValidatorException.class)) {
                return conclude(Reason.TLS_UNTRUSTED, "The TLS certificate of %s is not trusted by PullBridge's JVM "
                        + "or does not name that host (%s). Add its certificate authority to the JVM trust store.",
                        host, describe(rootCause(error)));
            }
            if (hasCause(error, HttpConnectTimeoutException.class)) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "Cannot connect to %s within %s.", host,
                        describe(settings.connectTimeout()));
            }
            if (hasCause(error, HttpTimeoutException.class)) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "%s %s got no answer within %s.", method,
                        withoutQuery(uri), describe(settings.requestTimeout()));
            }
            if (hasCause(error, UnresolvedAddressException.class) || hasCause(error, UnknownHostException.class)) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "Cannot resolve the host of %s.", host);
            }
            if (hasCause(error, ConnectException.class)) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "Cannot connect to %s (%s).", host,
                        describe(rootCause(error)));
            }
            if (hasCause(error, SSLException.class)) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "The TLS handshake with %s failed (%s).", host,
                        describe(rootCause(error)));
            }
            return conclude(Reason.REGISTRY_UNREACHABLE, "%s %s failed (%s).", method, withoutQuery(uri),
                    describe(rootCause(error)));
        }

        /** The registry's own words about an error: an error code and message from its body or its challenge. */
        private String detail(Reply reply) {
            List<String> parts = new ArrayList<>();
            JsonNode json = json(reply);
            if (json != null) {
                JsonNode first = json.path("errors").path(0);
                if (first.isObject()) {
                    String code = first.path("code").stringValue(null);
                    String message = first.path("message").stringValue(null);
                    parts.add(code == null ? message : message == null ? code : code + ": " + message);
                }
                parts.add(json.path("details").stringValue(null));
                String error = json.path("error").stringValue(null);
                String description = json.path("error_description").stringValue(null);
                parts.add(error == null ? description : description == null ? error : error + ": " + description);
            }
            for (AuthChallenge challenge : AuthChallenge.parseAll(reply.response().headers()
                    .allValues("WWW-Authenticate"))) {
                challenge.param("error").ifPresent(error -> parts.add("error=" + error
                        + challenge.param("error_description").map(d -> ": " + d).orElse("")));
            }
            String joined = String.join("; ", parts.stream().filter(Objects::nonNull).filter(p -> !p.isBlank())
                    .distinct().toList());
            return joined.isEmpty() ? "" : ": " + sanitize(joined);
        }

        private List<String> errorCodes(Reply reply) {
            JsonNode json = json(reply);
            if (json == null) {
                return List.of();
            }
            List<String> codes = new ArrayList<>();
            json.path("errors").valueStream().forEach(error -> {
                String code = error.path("code").stringValue(null);
                if (code != null) {
                    codes.add(code.toUpperCase(Locale.ROOT));
                }
            });
            return codes;
        }

        private JsonNode json(Reply reply) {
            byte[] body = reply.response().body().bytes();
            if (body.length == 0) {
                return null;
            }
            try {
                JsonNode node = JsonMapper.shared().readTree(body);
                return node != null && node.isObject() ? node : null;
            } catch (JacksonException e) {
                // Its message may quote the body, which may hold a token: dropped, not logged.
                return null;
            }
        }

        private String digest(Reply reply) {
            return reply.response().headers().firstValue("Docker-Content-Digest")
                    .filter(value -> DIGEST.matcher(value).matches()).orElse(null);
        }

        /** Text from outside, made fit for a message: one line, bounded, and with any secret of ours cut out. */
        private String sanitize(String text) {
            String clean = text.replaceAll("[\\p{Cntrl}]", " ").strip();
            for (String secret : secrets) {
                if (!secret.isEmpty()) {
                    clean = clean.replace(secret, "(redacted)");
                }
            }
            return clean.length() > MAX_DETAIL_LENGTH ? clean.substring(0, MAX_DETAIL_LENGTH) + "…" : clean;
        }

        private String locationWithoutQuery(URI request, String location) {
            try {
                return withoutQuery(request.resolve(new URI(location)));
            } catch (URISyntaxException e) {
                return "an invalid URL";
            }
        }

        private PullCheck done(Reason reason, String digest, String format, Object... args) {
            return new PullCheck(reason, exchanges, digest, String.format(Locale.ROOT, format, args));
        }

        private Concluded conclude(Reason reason, String format, Object... args) {
            return new Concluded(done(reason, null, format, args));
        }
    }

    private boolean transportAllowed(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || (scheme.equals("http") && settings.plainHttpOnLoopback()
                && isLoopback(uri.getHost()));
    }

    /** Loopback by its literal name or address only; no lookup, so no DNS answer can make a host loopback. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || IPV4_LOOPBACK.matcher(name).matches()) {
            return true;
        }
        if (name.startsWith("[") && name.endsWith("]")) {
            try {
                return InetAddress.getByName(name.substring(1, name.length() - 1)).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static void appendParam(StringBuilder query, String name, String value) {
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        return text.length() > MAX_DETAIL_LENGTH ? text.substring(0, MAX_DETAIL_LENGTH) + "…" : text;
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private record Reply(Exchange exchange, HttpResponse<Body> response) {

        int status() {
            return response.statusCode();
        }
    }

    private record Body(byte[] bytes, boolean truncated) {
    }

    /** Collects a response body up to a bound; past it, stops reading (closing the connection) and says so. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<Body> {

        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int room = limit - bytes.size();
                if (buffer.remaining() > room) {
                    subscription.cancel();
                    result.complete(new Body(new byte[0], true));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(new Body(bytes.toByteArray(), false));
        }
    }

    /** Ends a handshake early with its outcome; carries no message or stack trace of its own, and never escapes. */
    private static final class Concluded extends Exception {

        private final transient PullCheck check;

        Concluded(PullCheck check) {
            super(null, null, false, false);
            this.check = check;
        }
    }
}
