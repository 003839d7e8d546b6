package io.pullbridge.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image to check pull access for: a repository and a reference, which is a tag or a digest. Parsed from the form
 * people write ({@code team/app}, {@code team/app:1.4}, {@code team/app@sha256:…}, optionally prefixed with the
 * registry's host as in {@code myacr.azurecr.io/team/app:1.4}); a missing tag means {@code latest}.
 *
 * @param registry  the host (and port) the image named, or {@code null} when it named none
 * @param repository the repository path, e.g. {@code team/app}
 * @param reference a tag ({@code 1.4}) or a digest ({@code sha256:…})
 */
public record ImageReference(String registry, String repository, String reference) {

    public static final String DEFAULT_TAG = "latest";

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+](?::[0-9]{1,5})?");
    private static final int MAX_REPOSITORY_LENGTH = 255;

    public ImageReference {
        if (registry != null && !HOST.matcher(registry).matches()) {
            throw new IllegalArgumentException("Not a registry host: '" + registry + "'");
        }
        if (repository == null || repository.length() > MAX_REPOSITORY_LENGTH
                || !REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("Not a repository name (lower-case letters, digits, separators "
                    + "'.', '_', '-' and '/'): '" + repository + "'");
        }
        if (reference == null || !(TAG.matcher(reference).matches() || DIGEST.matcher(reference).matches())) {
            throw new IllegalArgumentException("Not a tag or a sha256/sha384/sha512 digest: '" + reference + "'");
        }
    }

    /**
     * Parses {@code [host[:port]/]repository[:tag][@digest]}. As Docker does, the first path component is the
     * registry's host when it holds a '.' or a ':' or is {@code localhost}; a digest wins over a tag.
     *
     * @throws IllegalArgumentException when the text is no image reference
     */
    public static ImageReference parse(String image) {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("An image reference is empty");
        }
        String rest = image.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first.toLowerCase(Locale.ROOT);
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("Not a tag: '" + tag + "'");
        }
        String reference = digest != null ? digest : tag != null ? tag : DEFAULT_TAG;
        return new ImageReference(registry, rest, reference);
    }

    public boolean byDigest() {
        return reference.contains(":");
    }

    /** {@code repository:pull}'s resource name as a registry's token endpoint wants it in a scope. */
    String pullScope() {
        return "repository:" + repository + ":pull";
    }

    @Override
    public String toString() {
        return (registry == null ? "" : registry + "/") + repository + (byDigest() ? "@" : ":") + reference;
    }
}
