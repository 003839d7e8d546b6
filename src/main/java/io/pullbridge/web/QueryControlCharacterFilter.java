package io.pullbridge.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string whose decoded names or values hold a control character (C0, or DEL), such as
 * {@code ?name=a%00b}, with a 400 {@code malformed-url} problem. Tomcat decodes an encoded NUL that is otherwise valid
 * UTF-8 into the parameter, and Spring Security's firewall lets any value through; no filter of the API wants one,
 * and PostgreSQL refuses a NUL in a text parameter. Runs after authentication, before anything reads a parameter.
 */
@Component
@Order(QueryControlCharacterFilter.ORDER)
class QueryControlCharacterFilter extends OncePerRequestFilter {

    /** After Spring Security's filter chain (-100), before the request body limit (-50). */
    static final int ORDER = -60;

    private final Problems problems;

    QueryControlCharacterFilter(Problems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (holdsControlCharacter(request.getQueryString())) {
            problems.write(ProblemType.MALFORMED_URL, "The query string could not be decoded: parameters must be "
                    + "percent-encoded UTF-8, without NUL or other control characters", request, response);
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Whether the raw query decodes to a control character: {@code %00} to {@code %1F} or {@code %7F} (an encoded byte
     * below 0x20 is that character in UTF-8, never part of another), or a raw one Tomcat let through. A {@code +}
     * is a space, which is allowed. Malformed escapes are left to Tomcat, which refuses them.
     */
    static boolean holdsControlCharacter(String query) {
        if (query == null) {
            return false;
        }
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
            if (c == '%' && i + 2 < query.length()) {
                int high = Character.digit(query.charAt(i + 1), 16);
                int low = Character.digit(query.charAt(i + 2), 16);
                if (high >= 0 && low >= 0) {
                    int value = high * 16 + low;
                    if (value < 0x20 || value == 0x7f) {
                        return true;
                    }
                    i += 2;
                }
            }
        }
        return false;
    }
}
