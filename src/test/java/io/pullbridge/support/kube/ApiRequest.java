package io.pullbridge.support.kube;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A request an emulated API server recorded ({@code "METHOD /path?query"}, see {@link EmulatedCluster#requests()}) as
 * RBAC judges it: its verb, API group and resource (with {@code /<subresource>} when it names one), as the API
 * server's request-info resolver derives them. Discovery and {@code /version} are non-resource requests, which every
 * authenticated user may make ({@code system:discovery}, {@code system:public-info-viewer}).
 *
 * @param group the API group, empty for the core group
 */
public record ApiRequest(String verb, String group, String resource) {

    /** The request's verb, group and resource, or empty for a non-resource request. */
    public static Optional<ApiRequest> of(String recorded) {
        String method = recorded.substring(0, recorded.indexOf(' '));
        String target = recorded.substring(recorded.indexOf(' ') + 1);
        int question = target.indexOf('?');
        String query = question < 0 ? "" : target.substring(question + 1);
        List<String> segments = Arrays.stream((question < 0 ? target : target.substring(0, question)).split("/"))
                .filter(segment -> !segment.isEmpty()).toList();
        String group;
        List<String> rest;
        if (segments.size() > 2 && segments.get(0).equals("api")) {
            group = "";
            rest = segments.subList(2, segments.size());
        } else if (segments.size() > 3 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            rest = segments.subList(3, segments.size());
        } else {
            return Optional.empty();
        }
        String resource;
        String name;
        String subresource;
        if (rest.get(0).equals("namespaces") && rest.size() > 2) {
            resource = rest.get(2);
            name = rest.size() > 3 ? rest.get(3) : null;
            subresource = rest.size() > 4 ? rest.get(4) : null;
        } else {
            resource = rest.get(0);
            name = rest.size() > 1 ? rest.get(1) : null;
            subresource = rest.size() > 2 ? rest.get(2) : null;
        }
        boolean watch = Arrays.asList(query.split("&")).contains("watch=true");
        String verb = switch (method) {
            case "GET" -> watch ? "watch" : name != null ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name != null ? "delete" : "deletecollection";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return Optional.of(new ApiRequest(verb, group, subresource == null ? resource : resource + "/" + subresource));
    }
}
