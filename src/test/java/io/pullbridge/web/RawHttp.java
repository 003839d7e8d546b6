package io.pullbridge.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/1.1 over a plain socket, byte for byte as written: what MockMvc and every HTTP client refuse to send (raw
 * braces, NUL bytes, invalid UTF-8, oversized lines) reaches the embedded Tomcat's own parser.
 */
final class RawHttp {

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request with the given request target and extra header lines (each ending in CRLF), without a body. */
    Response get(String target, String headerLines) {
        return send(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headerLines + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), new byte[0]);
    }

    /** A POST of {@code body} as JSON; the body is written by another thread, as a client streaming it would. */
    Response post(String target, String headerLines, byte[] body) {
        return request("POST", target, headerLines, body);
    }

    /** A request with a JSON body. */
    Response request(String method, String target, String headerLines, byte[] body) {
        String head = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n" + headerLines + "Connection: close\r\n\r\n";
        return send(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    /** Writes {@code head}, then {@code body} from another thread, and reads the answer until the server closes. */
    Response send(byte[] head, byte[] body) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            // The server may answer (and stop reading) before the body is all written: never let the write block the read.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection after answering
                }
            });
            Response response = parse(readAll(socket.getInputStream()));
            writer.cancel(true);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // a reset after the answer was sent: keep what arrived
        }
        return all.toByteArray();
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).strip(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
