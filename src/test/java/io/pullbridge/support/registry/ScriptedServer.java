package io.pullbridge.support.registry;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS server on loopback, standing in for a registry or a token service, that answers as its route says and
 * records each request as {@code "METHOD path auth-scheme"} and each {@code Authorization} header it was sent.
 */
public final class ScriptedServer {

    /** How the server answers a request. */
    public interface Route {
        Answer answer(String method, String path, Headers requestHeaders);
    }

    public record Answer(int status, Map<String, String> headers, String body) {
    }

    private final HttpsServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    public ScriptedServer(SSLContext tls, Route route) {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            try (exchange) {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                String path = exchange.getRequestURI().getPath();
                requests.add(exchange.getRequestMethod() + " " + path + " "
                        + (authorization == null ? "anonymous" : authorization.split(" ")[0]));
                if (authorization != null) {
                    authorizations.add(authorization);
                }
                Answer answer = route.answer(exchange.getRequestMethod(), path, exchange.getRequestHeaders());
                answer.headers().forEach(exchange.getResponseHeaders()::add);
                byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            }
        });
        server.start();
    }

    /** {@code 127.0.0.1:<port>}, as a login's server. */
    public String server() {
        return server("127.0.0.1");
    }

    /** {@code <host>:<port>}: the same server under another name ({@code localhost} names it too). */
    public String server(String host) {
        return host + ":" + server.getAddress().getPort();
    }

    public String url(String path) {
        return "https://" + server() + path;
    }

    public String url(String host, String path) {
        return "https://" + server(host) + path;
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Every {@code Authorization} header value the server received. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    public void close() {
        server.stop(0);
    }
}
