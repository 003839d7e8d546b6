package io.pullbridge.common;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Cuts the secrets PullBridge holds out of text that came from elsewhere (an Azure error, a Kubernetes
 * {@code Status} message, an Arc extension's Helm output, a registry's answer) before that text reaches a job record,
 * a resource's status or a log line. Immutable; {@link #with} gives a mask for more secrets.
 * <p>
 * Remote services quote what they were sent in many spellings, so a secret is masked in each of these forms: as
 * given; JSON-escaped (as Jackson writes it, as Go's {@code encoding/json} writes it, and escaped twice, as a document
 * quoted inside a JSON string); URL-encoded; as decimal byte lists (Go's {@code %v} of a {@code []byte}); and in
 * base64 (standard and URL-safe), both on its own and wherever it sits inside a longer base64 text: a
 * {@code .dockerconfigjson} in a Secret's {@code data}, the {@code auth} field inside it
 * ({@code base64(user:password)}), and that field once more inside the base64 of the whole document. (Three bytes
 * make four base64 characters, so a secret inside encoded text shows as one of three character runs depending on its
 * offset; each is masked.)
 * <p>
 * A form cut short by a length limit ({@code ...} or {@code …} right after it) is masked from its first characters.
 * Connection-string passwords ({@code SyncTokenPassword=...}, {@code Password=...}, {@code AccountKey=...},
 * {@code SharedAccessKey=...}) are masked by any mask, even one that holds no secret, since a connection string may
 * quote a password that PullBridge no longer holds. Secrets shorter than {@value #MIN_SECRET_LENGTH} characters are not
 * masked: they would blank out ordinary words, and no credential PullBridge handles is that short.
 */
public final class SecretMask {

    /** What a masked secret reads as. */
    public static final String MASK = "(redacted)";
    /** The shortest secret (and the shortest encoded form of one) that is masked. */
    public static final int MIN_SECRET_LENGTH = 4;

    private static final SecretMask NONE = new SecretMask(Set.of(), List.of());
    private static final Pattern CONNECTION_STRING_SECRET = Pattern.compile(
            "(?i)\\b(SyncTokenPassword|Password|AccountKey|SharedAccessKey)=(?!\\(redacted\\))[^;\\s\"',)]+");
    private static final List<String> CUT_MARKS = List.of("...", "…");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Set<String> secrets;
    private final List<String> forms;

    private SecretMask(Set<String> secrets, List<String> forms) {
        this.secrets = secrets;
        this.forms = forms;
    }

    /** A mask for no secret; it still masks connection-string passwords. */
    public static SecretMask none() {
        return NONE;
    }

    public static SecretMask of(String... secrets) {
        return NONE.with(secrets);
    }

    public static SecretMask of(Collection<String> secrets) {
        return NONE.with(secrets.toArray(String[]::new));
    }

    /** A mask for a registry login: the password, and {@code base64(username:password)} as Basic auth sends it. */
    public static SecretMask ofLogin(String username, String password) {
        return of(password, basicCredentials(username, password));
    }

    /** {@code base64(username:password)}: a Basic {@code Authorization} header's value, and a docker {@code auth}. */
    public static String basicCredentials(String username, String password) {
        return Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** This mask and these secrets too; null, empty and too short ones are ignored. */
    public SecretMask with(String... more) {
        Set<String> all = new LinkedHashSet<>(secrets);
        for (String secret : more) {
            if (secret != null && secret.length() >= MIN_SECRET_LENGTH) {
                all.add(secret);
            }
        }
        if (all.size() == secrets.size()) {
            return this;
        }
        Set<String> allForms = new LinkedHashSet<>(forms);
        for (String secret : all) {
            if (!secrets.contains(secret)) {
                allForms.addAll(forms(secret));
            }
        }
        List<String> sorted = new ArrayList<>(allForms);
        // Longest first: a whole encoded secret goes before the fragments it contains.
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMask(Set.copyOf(all), List.copyOf(sorted));
    }

    public SecretMask with(SecretMask other) {
        return other.secrets.isEmpty() ? this : with(other.secrets.toArray(String[]::new));
    }

    /** Whether this mask holds no secret (it still masks connection-string passwords). */
    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** The text with every form of every secret replaced by {@value #MASK}; null stays null. */
    public String apply(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String form : forms) {
            if (masked.contains(form)) {
                masked = masked.replace(form, MASK);
            }
        }
        masked = cutShort(masked);
        return CONNECTION_STRING_SECRET.matcher(masked).replaceAll("$1=" + MASK);
    }

    /**
     * A stand-in for {@code error} to log: its class name and message (masked) as its message, its stack trace, and its
     * causes masked the same way. Logging frameworks print a throwable's message and its causes' messages, which for a
     * parser or an HTTP client may quote what it read.
     */
    public RuntimeException apply(Throwable error) {
        return error == null ? null : new Masked(error, this, 0);
    }

    /** The beginning of a form right before a cut mark: the end of a text shortened to a length limit. */
    private String cutShort(String text) {
        String masked = text;
        for (String mark : CUT_MARKS) {
            int from = 0;
            for (int at = masked.indexOf(mark, from); at >= 0; at = masked.indexOf(mark, from)) {
                int cut = longestFormPrefixEndingAt(masked, at);
                if (cut > 0) {
                    masked = masked.substring(0, at - cut) + MASK + masked.substring(at);
                    at = at - cut + MASK.length();
                }
                from = at + mark.length();
            }
        }
        return masked;
    }

    private int longestFormPrefixEndingAt(String text, int end) {
        int longest = 0;
        for (String form : forms) {
            for (int length = Math.min(form.length() - 1, end); length >= MIN_SECRET_LENGTH && length > longest;
                 length--) {
                if (text.regionMatches(end - length, form, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    private static Set<String> forms(String secret) {
        Set<String> plain = new LinkedHashSet<>();
        plain.add(secret);
        plain.add(jsonEscaped(secret, false));
        plain.add(jsonEscaped(secret, true));
        plain.add(jsonEscaped(jsonEscaped(secret, false), false));
        plain.add(jsonEscaped(jsonEscaped(secret, true), false));

        Set<String> forms = new LinkedHashSet<>(plain);
        String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(form);
        forms.add(form.replace("+", "%20"));
        forms.add(lowerHexEscapes(form));
        for (String text : plain) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            forms.add(decimalBytes(bytes, " "));
            forms.add(decimalBytes(bytes, ","));
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                forms.add(encoder.encodeToString(bytes));
                for (String fragment : base64Fragments(encoder, bytes)) {
                    forms.add(fragment);
                    if (encoder == Base64.getEncoder() && text.equals(secret)) {
                        // The fragment sits in a docker "auth" value, which sits in a base64-encoded document.
                        forms.addAll(base64Fragments(encoder, fragment.getBytes(StandardCharsets.US_ASCII)));
                    }
                }
            }
        }
        forms.removeIf(candidate -> candidate.length() < MIN_SECRET_LENGTH);
        return forms;
    }

    /**
     * The runs of base64 characters that encode {@code bytes} wherever they sit in a longer text: at an offset of 0, 1
     * or 2 bytes past a 3-byte boundary. Characters that also encode neighbouring bytes are left out.
     */
    private static List<String> base64Fragments(Base64.Encoder encoder, byte[] bytes) {
        List<String> fragments = new ArrayList<>(3);
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + bytes.length];
            System.arraycopy(bytes, 0, shifted, offset, bytes.length);
            String encoded = encoder.withoutPadding().encodeToString(shifted);
            int start = (8 * offset + 5) / 6;
            int end = 8 * shifted.length / 6;
            if (end - start >= MIN_SECRET_LENGTH) {
                fragments.add(encoded.substring(start, end));
            }
        }
        return fragments;
    }

    /** As Jackson (minimal) or Go's encoding/json (HTML-safe) escape a string's content. */
    private static String jsonEscaped(String value, boolean goStyle) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (goStyle && (c == '<' || c == '>' || c == '&' || c == '\u2028'
                            || c == '\u2029'))) {
                        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String lowerHexEscapes(String urlEncoded) {
        StringBuilder out = new StringBuilder(urlEncoded);
        for (int i = out.indexOf("%"); i >= 0 && i + 2 < out.length(); i = out.indexOf("%", i + 1)) {
            out.replace(i + 1, i + 3, out.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    private static String decimalBytes(byte[] bytes, String separator) {
        StringJoiner joined = new StringJoiner(separator);
        for (byte b : bytes) {
            joined.add(Integer.toString(b & 0xff));
        }
        return joined.toString();
    }

    @Override
    public String toString() {
        return "SecretMask[" + secrets.size() + " secrets]";
    }

    /** A throwable's stand-in for logs: the original's class and masked message, its stack trace, masked causes. */
    private static final class Masked extends RuntimeException {

        private static final int MAX_CAUSES = 16;

        Masked(Throwable original, SecretMask mask, int depth) {
            super(original.getClass().getName() + (original.getMessage() == null ? ""
                            : ": " + mask.apply(original.getMessage())),
                    original.getCause() == null || original.getCause() == original || depth >= MAX_CAUSES ? null
                            : new Masked(original.getCause(), mask, depth + 1),
                    false, true);
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
