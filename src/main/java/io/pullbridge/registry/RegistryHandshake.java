package io.pullbridge.registry;

import io.pullbridge.registry.PullCheck.Exchange;
import io.pullbridge.registry.PullCheck.Reason;
import io.pullbridge.common.SecretMask;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Credentials;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
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
 * They go only where {@link RegistryDestinations} lets them: a token realm on the registry's own host or on an allowed
 * one, and only to addresses the cluster host policy accepts, checked for every address a name resolves to before
 * connecting (the connection uses those checked addresses, no second lookup). Redirects are not followed (so no
 * credential follows one anywhere), no proxy is used, every request has a deadline and every response body is read up
 * to a bound. Nothing secret (password, Authorization header, token) ends up in a result, a log line or an exception.
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
    private final RegistryDestinations destinations;
    private final OkHttpClient http;

    /** The default settings and {@link RegistryDestinations#defaults()}: no loopback or private-use exceptions. */
    public RegistryHandshake() {
        this(Settings.defaults(), RegistryDestinations.defaults());
    }

    public RegistryHandshake(Settings settings, RegistryDestinations destinations) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.http = new OkHttpClient.Builder()
                .dns(destinations::resolve)
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.requestTimeout())
                .writeTimeout(settings.requestTimeout())
                .callTimeout(settings.connectTimeout().plus(settings.requestTimeout()))
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
        private final String basicAuthorization;
        private SecretMask secrets;
        private boolean usingBasic;

        Attempt(RegistryLogin login, Endpoint endpoint, ImageReference image) {
            this.login = login;
            this.endpoint = endpoint;
            this.image = image;
            this.basicAuthorization = Credentials.basic(login.username(), login.password(), StandardCharsets.UTF_8);
            this.secrets = SecretMask.ofLogin(login.username(), login.password());
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
            Optional<String> refused = destinations.registryRefusal(base.getHost());
            if (refused.isPresent()) {
                throw conclude(Reason.ADDRESS_REFUSED, "PullBridge does not connect to the registry %s: %s.",
                        endpoint.authority(), refused.get());
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
            List<AuthChallenge> challenges = reply.challenges();
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
            Optional<String> refused = destinations.realmRefusal(endpoint.resolve("/").getHost(), realmUri.getHost());
            if (refused.isPresent()) {
                throw conclude(Reason.REALM_NOT_ALLOWED, "The registry %s sends clients for tokens to %s; the "
                        + "credentials were not sent there: %s.", endpoint.authority(), withoutQuery(realmUri),
                        refused.get());
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
            secrets = secrets.with(token);
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
                String retryAfter = Optional.ofNullable(reply.headers().get("Retry-After"))
                        .map(value -> ", Retry-After " + sanitize(value)).orElse("");
                return conclude(Reason.REGISTRY_UNAVAILABLE, "%s %s answered %d%s%s: the service cannot serve now.",
                        reply.exchange().method(), reply.exchange().url(), status, retryAfter, detail(reply));
            }
            if (status >= 300 && status < 400) {
                String location = Optional.ofNullable(reply.headers().get("Location"))
                        .map(value -> locationWithoutQuery(reply.uri(), value)).orElse("nowhere");
                return conclude(Reason.UNEXPECTED_RESPONSE, "%s %s was redirected (%d) to %s; redirects are not "
                        + "followed.", reply.exchange().method(), reply.exchange().url(), status, location);
            }
            return conclude(Reason.UNEXPECTED_RESPONSE, "%s %s answered %d%s, which the registry protocol does not "
                    + "describe here.", reply.exchange().method(), reply.exchange().url(), status, detail(reply));
        }

        private Reply send(String method, URI uri, String authorization, String accept) throws Concluded {
            String where = withoutQuery(uri);
            HttpUrl url = HttpUrl.parse(uri.toString());
            if (url == null) {
                throw conclude(Reason.UNEXPECTED_RESPONSE, "%s is no URL PullBridge can request.", where);
            }
            Request.Builder request = new Request.Builder().url(url)
                    .method(method, null)
                    .header("User-Agent", USER_AGENT)
                    .header("Accept", accept == null ? "application/json" : accept);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try (Response response = http.newCall(request.build()).execute()) {
                Exchange exchange = new Exchange(method, where, response.code());
                exchanges.add(exchange);
                byte[] body = boundedBody(response.body());
                if (body == null) {
                    throw conclude(Reason.UNEXPECTED_RESPONSE, "%s %s answered %d with a body longer than %d bytes.",
                            method, where, response.code(), settings.maxResponseBytes());
                }
                return new Reply(exchange, uri, response.headers(), AuthChallenge.of(response.headers()), body);
            } catch (IOException e) {
                throw transportFailure(method, uri, e);
            }
        }

        /** The body, or null when it is longer than the bound (the rest is not read: the connection is closed). */
        private byte[] boundedBody(ResponseBody body) throws IOException {
            if (body == null) {
                return new byte[0];
            }
            BufferedSource source = body.source();
            if (source.request(settings.maxResponseBytes() + 1L)) {
                return null;
            }
            return source.readByteArray();
        }

        private Concluded transportFailure(String method, URI uri, IOException error) {
            String host = uri.getRawAuthority();
            RegistryDestinations.RefusedAddressException refused = cause(error,
                    RegistryDestinations.RefusedAddressException.class);
            if (refused != null) {
                return conclude(Reason.ADDRESS_REFUSED, "PullBridge does not connect to %s: %s.", host,
                        refused.getMessage());
            }
            if (cause(error, SSLPeerUnverifiedException.class) != null) {
                return conclude(Reason.TLS_UNTRUSTED, "The TLS certificate of %s does not name that host (%s).",
                        host, describe(rootCause(error)));
            }
            if (cause(error, CertificateException.class) != null || cause(error, CertPathValidatorException.class)
                    != null) {
                return conclude(Reason.TLS_UNTRUSTED, "The TLS certificate of %s is not trusted by PullBridge's JVM "
                        + "or does not name that host (%s). Add its certificate authority to the JVM trust store.",
                        host, describe(rootCause(error)));
            }
            SocketTimeoutException timeout = cause(error, SocketTimeoutException.class);
            if (timeout != null && timeout.getMessage() != null
                    && timeout.getMessage().toLowerCase(Locale.ROOT).contains("connect")) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "Cannot connect to %s within %s.", host,
                        describe(settings.connectTimeout()));
            }
            if (timeout != null) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "%s %s got no answer within %s.", method,
                        withoutQuery(uri), describe(settings.requestTimeout()));
            }
            if (error instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "Interrupted while waiting for %s %s.", method,
                        withoutQuery(uri));
            }
            if (error instanceof InterruptedIOException) {
                // The call's own deadline: connecting and the request together.
                return conclude(Reason.REGISTRY_UNREACHABLE, "%s %s got no answer within %s.", method,
                        withoutQuery(uri), describe(settings.connectTimeout().plus(settings.requestTimeout())));
            }
            if (cause(error, UnknownHostException.class) != null) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "Cannot resolve the host of %s.", host);
            }
            if (cause(error, ConnectException.class) != null || cause(error, NoRouteToHostException.class) != null) {
                return conclude(Reason.REGISTRY_UNREACHABLE, "Cannot connect to %s (%s).", host,
                        describe(rootCause(error)));
            }
            if (cause(error, SSLException.class) != null) {
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
            for (AuthChallenge challenge : reply.challenges()) {
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
            byte[] body = reply.body();
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
            return Optional.ofNullable(reply.headers().get("Docker-Content-Digest"))
                    .filter(value -> DIGEST.matcher(value).matches()).orElse(null);
        }

        /** Text from outside, made fit for a message: one line, bounded, and with any secret of ours cut out. */
        private String sanitize(String text) {
            String clean = secrets.apply(text.replaceAll("[\\p{Cntrl}]", " ").strip());
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

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable rootCause(Throwable error) {
        return NestedExceptionUtils.getMostSpecificCause(error);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        String text = error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        return text.length() > MAX_DETAIL_LENGTH ? text.substring(0, MAX_DETAIL_LENGTH) + "…" : text;
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private record Reply(Exchange exchange, URI uri, Headers headers, List<AuthChallenge> challenges, byte[] body) {

        int status() {
            return exchange.status();
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
