package io.pullbridge.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;

/**
 * Keyset pagination over {@code (createdAt, id)}: stable under concurrent inserts and as cheap on the last page
 * as on the first. The token is opaque to clients.
 */
public record PageQuery(int limit, Instant afterCreatedAt, UUID afterId) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final String VERSION = "v1";
    // Every issued token points at a stored creation time; anything outside this range was not issued by us
    // and must not reach the database, whose timestamps end long before Instant.MAX.
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    public static PageQuery of(Integer limit, String pageToken) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (pageToken == null || pageToken.isBlank()) {
            return new PageQuery(size, null, null);
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8).split(":");
            if (parts.length != 4 || !parts[0].equals(VERSION)) {
                throw new IllegalArgumentException("unknown token version");
            }
            long seconds = Long.parseLong(parts[1]);
            long nanos = Long.parseLong(parts[2]);
            if (nanos < 0 || nanos > 999_999_999 || seconds < EARLIEST.getEpochSecond()
                    || seconds > LATEST.getEpochSecond()) {
                throw new IllegalArgumentException("position out of range");
            }
            return new PageQuery(size, Instant.ofEpochSecond(seconds, nanos), UUID.fromString(parts[3]));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("pageToken", "is not a token this API returned; start again without it");
        }
    }

    public boolean isFirst() {
        return afterId == null;
    }

    /** The rows after this page's position, for an entity keyed by {@code timeAttribute} and {@code id}. */
    public <T> Specification<T> after(String timeAttribute) {
        return (root, query, cb) -> isFirst() ? cb.conjunction() : cb.or(
                cb.greaterThan(root.get(timeAttribute), afterCreatedAt),
                cb.and(cb.equal(root.get(timeAttribute), afterCreatedAt), cb.greaterThan(root.get("id"), afterId)));
    }

    public static Sort order(String timeAttribute) {
        return Sort.by(timeAttribute, "id");
    }

    /** How many rows to fetch: one more than the page, to learn whether another page follows. */
    public int fetchSize() {
        return limit + 1;
    }

    /**
     * Builds the page from up to {@code limit + 1} rows fetched in key order; the extra row only tells that
     * another page exists.
     */
    public <E, R> PageResponse<R> page(List<E> rows, Function<E, Instant> createdAt, Function<E, UUID> id,
                                       Function<E, R> mapper) {
        boolean more = rows.size() > limit;
        List<E> shown = more ? rows.subList(0, limit) : rows;
        String next = null;
        if (more) {
            E last = shown.get(shown.size() - 1);
            Instant at = createdAt.apply(last);
            String raw = VERSION + ":" + at.getEpochSecond() + ":" + at.getNano() + ":" + id.apply(last);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }
        return new PageResponse<>(shown.stream().map(mapper).toList(), next);
    }
}
