package io.pullbridge.web;

import io.pullbridge.common.VersionedEntity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

/**
 * Keyset pagination over {@code (createdAt, id)}, oldest first or newest first: stable under concurrent inserts and as
 * cheap on the last page as on the first. The token is opaque to clients; it names the order it was issued for, so a
 * page is never read in one order from a position found in the other.
 */
public record PageQuery(int limit, Instant afterCreatedAt, UUID afterId, boolean descending) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    public static final String ASC = "asc";
    public static final String DESC = "desc";
    public static final String ORDER_DESCRIPTION = "asc: oldest first (the default); desc: newest first. A pageToken "
            + "keeps the order it was returned for; passing it with the other order is a 400";
    private static final String VERSION = "v2";
    // Tokens issued before lists could be read newest first: oldest first, without an order part.
    private static final String ASCENDING_ONLY_VERSION = "v1";
    // Every issued token points at a stored creation time; anything outside this range was not issued by us
    // and must not reach the database, whose timestamps end long before Instant.MAX.
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** Oldest first. */
    public static PageQuery of(Integer limit, String pageToken) {
        return of(limit, pageToken, ASC);
    }

    /**
     * @param order {@code asc} (oldest first), {@code desc} (newest first), or null: the token's order, else
     *              {@code asc}; a token issued for the other order is refused
     */
    public static PageQuery of(Integer limit, String pageToken, String order) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (order != null && !order.equals(ASC) && !order.equals(DESC)) {
            throw ApiException.invalid("order", "must be asc or desc");
        }
        if (pageToken == null || pageToken.isBlank()) {
            return new PageQuery(size, null, null, DESC.equals(order));
        }
        PageQuery position;
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8).split(":");
            String tokenOrder;
            int at;
            if (parts.length == 5 && parts[0].equals(VERSION) && (parts[1].equals(ASC) || parts[1].equals(DESC))) {
                tokenOrder = parts[1];
                at = 2;
            } else if (parts.length == 4 && parts[0].equals(ASCENDING_ONLY_VERSION)) {
                tokenOrder = ASC;
                at = 1;
            } else {
                throw new IllegalArgumentException("unknown token version");
            }
            long seconds = Long.parseLong(parts[at]);
            long nanos = Long.parseLong(parts[at + 1]);
            if (nanos < 0 || nanos > 999_999_999 || seconds < EARLIEST.getEpochSecond()
                    || seconds > LATEST.getEpochSecond()) {
                throw new IllegalArgumentException("position out of range");
            }
            position = new PageQuery(size, Instant.ofEpochSecond(seconds, nanos), UUID.fromString(parts[at + 2]),
                    tokenOrder.equals(DESC));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("pageToken", "is not a token this API returned; start again without it");
        }
        if (order != null && position.descending() != order.equals(DESC)) {
            throw ApiException.invalid("pageToken", "was returned for order=" + position.order()
                    + "; pass order=" + position.order() + " with it, or start again without it");
        }
        return position;
    }

    /** {@code asc} or {@code desc}. */
    public String order() {
        return descending ? DESC : ASC;
    }

    public boolean isFirst() {
        return afterId == null;
    }

    /**
     * The rows after this page's position in its order (later ones oldest first, earlier ones newest first), for an
     * entity keyed by {@code timeAttribute} and {@code id}.
     */
    public <T> Specification<T> after(String timeAttribute) {
        if (isFirst()) {
            return (root, query, cb) -> cb.conjunction();
        }
        if (descending) {
            return (root, query, cb) -> cb.or(
                    cb.lessThan(root.get(timeAttribute), afterCreatedAt),
                    cb.and(cb.equal(root.get(timeAttribute), afterCreatedAt), cb.lessThan(root.get("id"), afterId)));
        }
        return (root, query, cb) -> cb.or(
                cb.greaterThan(root.get(timeAttribute), afterCreatedAt),
                cb.and(cb.equal(root.get(timeAttribute), afterCreatedAt), cb.greaterThan(root.get("id"), afterId)));
    }

    /** Oldest first. */
    public static Sort order(String timeAttribute) {
        return Sort.by(timeAttribute, "id");
    }

    /** This page's order over {@code timeAttribute}, then {@code id}. */
    public Sort sort(String timeAttribute) {
        return Sort.by(descending ? Sort.Direction.DESC : Sort.Direction.ASC, timeAttribute, "id");
    }

    /** How many rows to fetch: one more than the page, to learn whether another page follows. */
    public int fetchSize() {
        return limit + 1;
    }

    /** This page of the rows that {@code filter} selects, oldest first. */
    public <E extends VersionedEntity, R> PageResponse<R> fetch(JpaSpecificationExecutor<E> resources,
                                                               Specification<E> filter, Function<E, R> mapper) {
        Specification<E> spec = this.<E>after("createdAt").and(filter);
        List<E> rows = resources.findBy(spec, query -> query.sortBy(order("createdAt")).limit(fetchSize()).all());
        return page(rows, VersionedEntity::getCreatedAt, VersionedEntity::getId, mapper);
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
            String raw = VERSION + ":" + order() + ":" + at.getEpochSecond() + ":" + at.getNano() + ":"
                    + id.apply(last);
            next = Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }
        return new PageResponse<>(shown.stream().map(mapper).toList(), next);
    }
}
