package io.pullbridge.support.kube;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code v1 Secret} in the Kubernetes Protobuf encoding, read into its JSON form: kubectl v1.32's typed clients
 * send {@code application/vnd.kubernetes.protobuf} bodies (a real API server accepts them), which fabric8's mock
 * cannot read. Only the fields {@code kubectl create secret} writes are kept: name, namespace, labels, annotations,
 * data, stringData and type; everything else is skipped by its wire type.
 *
 * <p>The encoding (api-concepts, "Protobuf encoding"): the bytes {@code k8s\0}, then a {@code runtime.Unknown}
 * message whose field 1 is the type meta and field 2 the object's own message.
 */
final class ProtobufSecret {

    static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufSecret() {
    }

    /** The secret as JSON, as kubectl would have sent it with {@code Content-Type: application/json}. */
    static byte[] toJson(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a Kubernetes protobuf envelope");
        }
        byte[] raw = null;
        Reader unknown = new Reader(Arrays.copyOfRange(body, MAGIC.length, body.length));
        while (unknown.more()) {
            int tag = unknown.varint32();
            if (tag >>> 3 == 2 && (tag & 7) == 2) {
                raw = unknown.bytes();
            } else {
                unknown.skip(tag);
            }
        }
        if (raw == null) {
            throw new IllegalArgumentException("the envelope holds no object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, String> stringData = new LinkedHashMap<>();
        String type = null;
        Reader secret = new Reader(raw);
        while (secret.more()) {
            int tag = secret.varint32();
            switch (tag >>> 3) {
                case 1 -> {
                    Reader meta = new Reader(secret.bytes());
                    while (meta.more()) {
                        int field = meta.varint32();
                        switch (field >>> 3) {
                            case 1 -> metadata.put("name", meta.string());
                            case 3 -> metadata.put("namespace", meta.string());
                            case 11 -> entry(meta.bytes(), labels, false);
                            case 12 -> entry(meta.bytes(), annotations, false);
                            default -> meta.skip(field);
                        }
                    }
                }
                case 2 -> entry(secret.bytes(), data, true);
                case 3 -> type = secret.string();
                case 4 -> entry(secret.bytes(), stringData, false);
                default -> secret.skip(tag);
            }
        }
        StringBuilder json = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{");
        json.append(fields(metadata));
        if (!labels.isEmpty()) {
            json.append(",\"labels\":{").append(fields(labels)).append('}');
        }
        if (!annotations.isEmpty()) {
            json.append(",\"annotations\":{").append(fields(annotations)).append('}');
        }
        json.append('}');
        if (!data.isEmpty()) {
            json.append(",\"data\":{").append(fields(data)).append('}');
        }
        if (!stringData.isEmpty()) {
            json.append(",\"stringData\":{").append(fields(stringData)).append('}');
        }
        if (type != null) {
            json.append(",\"type\":").append(quote(type));
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A map entry (key 1, value 2); byte values are kept base64-encoded, as JSON carries them. */
    private static void entry(byte[] bytes, Map<String, String> into, boolean binary) {
        Reader entry = new Reader(bytes);
        String key = "";
        String value = "";
        while (entry.more()) {
            int tag = entry.varint32();
            switch (tag >>> 3) {
                case 1 -> key = entry.string();
                case 2 -> value = binary ? Base64.getEncoder().encodeToString(entry.bytes()) : entry.string();
                default -> entry.skip(tag);
            }
        }
        into.put(key, value);
    }

    private static String fields(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        values.forEach((key, value) -> out.append(out.isEmpty() ? "" : ",").append(quote(key)).append(':')
                .append(quote(value)));
        return out.toString();
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Protobuf wire format: varints and length-delimited fields, enough to walk and skip messages. */
    private static final class Reader {

        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean more() {
            return position < bytes.length;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = bytes[position++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        int varint32() {
            return (int) varint();
        }

        byte[] bytes() {
            int length = varint32();
            byte[] out = Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> position += 8;
                case 2 -> {
                    int length = varint32();
                    position += length;
                }
                case 5 -> position += 4;
                default -> throw new IllegalArgumentException("unsupported wire type " + (tag & 7));
            }
        }
    }
}
