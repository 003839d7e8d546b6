package io.pullbridge.clusters;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Checks a kubeconfig before PullBridge stores it: a YAML mapping whose {@code current-context} names a context,
 * whose cluster and user exist, whose server is an https URL to a host {@link ServerHostPolicy} accepts, and
 * whose credentials are embedded rather than fetched by running a plugin or reading a file on PullBridge's
 * machine (both would run or read things there on behalf of whoever registered the cluster). The one plugin
 * recognised is {@code kubelogin get-token} for the configured AKS server id: it is never run, PullBridge signs in
 * with its own Entra identity instead.
 *
 * <p>The YAML is read with SnakeYAML's {@link SafeConstructor} (plain maps, lists and scalars; no arbitrary
 * types) under limits on size, aliases (against "billion laughs") and nesting. Error messages never quote the
 * file: a kubeconfig holds credentials, and a YAML parser's message shows the offending snippet, so a syntax
 * error is reported with its line number only.
 */
@Component
class KubeconfigParser {

    static final int MAX_ALIASES = 10;
    static final int MAX_NESTING_DEPTH = 20;
    private static final int MAX_NAME_SHOWN = 100;

    private final ServerHostPolicy hostPolicy;
    private final int maxBytes;
    private final boolean allowInsecure;
    private final ClustersProperties.Entra entra;

    KubeconfigParser(ServerHostPolicy hostPolicy, ClustersProperties properties) {
        this.hostPolicy = hostPolicy;
        this.entra = properties.entra();
        this.maxBytes = (int) properties.maxKubeconfigBytes().toBytes();
        this.allowInsecure = properties.allowInsecureSkipTlsVerify();
    }

    /**
     * @throws InvalidKubeconfigException listing everything wrong that could be told apart
     */
    Kubeconfig parse(String text) {
        return read(root(text)).kubeconfig();
    }

    private Map<?, ?> root(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidKubeconfigException("must not be blank");
        }
        if (text.length() > maxBytes || text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new InvalidKubeconfigException("is larger than " + maxBytes
                    + " bytes (pullbridge.clusters.max-kubeconfig-bytes)");
        }
        Object document = load(text);
        if (!(document instanceof Map<?, ?> root)) {
            throw new InvalidKubeconfigException("must be a YAML mapping (a kubeconfig file)");
        }
        return root;
    }

    /**
     * Checks the kubeconfig as {@link #parse} does, against the current settings, and reads what connecting with it
     * takes: the current context's server, certificate authority and embedded credential.
     *
     * @param version what identifies these credentials, e.g. the kubeconfig's fingerprint
     * @throws InvalidKubeconfigException listing everything wrong that could be told apart
     */
    ClusterCredentials credentials(UUID clusterId, String version, String text) {
        Parsed parsed = read(root(text));
        Map<?, ?> cluster = parsed.cluster();
        Map<?, ?> user = parsed.user();
        Kubelogin kubelogin = Kubelogin.of(user.get("exec"));
        if (kubelogin != null) {
            // Recognised, never run: PullBridge gets the token kubelogin would, from its own Azure credential.
            return new ClusterCredentials(clusterId, version, parsed.kubeconfig().server(),
                    base64(cluster.get("certificate-authority-data")), insecure(cluster),
                    text(cluster.get("tls-server-name")),
                    new ClusterCredentials.EntraToken(kubelogin.tenantId(), kubelogin.serverId() + "/.default"),
                    ClusterAccess.entra(null, kubelogin.tenantId(), null), null);
        }
        ClusterCredentials.Credential credential;
        byte[] certificate = base64(user.get("client-certificate-data"));
        byte[] key = base64(user.get("client-key-data"));
        String token = text(user.get("token"));
        String username = text(user.get("username"));
        String password = text(user.get("password"));
        if (certificate != null && key != null) {
            credential = new ClusterCredentials.ClientCertificate(certificate, key);
        } else if (token != null && !token.isBlank()) {
            credential = new ClusterCredentials.BearerToken(token.strip());
        } else if (username != null && password != null) {
            credential = new ClusterCredentials.Basic(username, password);
        } else {
            credential = new ClusterCredentials.Anonymous();
        }
        return new ClusterCredentials(clusterId, version, parsed.kubeconfig().server(),
                base64(cluster.get("certificate-authority-data")), insecure(cluster), text(cluster.get("tls-server-name")),
                credential);
    }

    /**
     * The current context's server and how to trust it, from a kubeconfig whose user section is ignored (not used,
     * not checked): the user kubeconfig of an Entra-integrated AKS cluster, signed in to with PullBridge's own token.
     * The credential is {@link ClusterCredentials.Anonymous} until the caller sets the one to use.
     *
     * @throws InvalidKubeconfigException listing everything wrong with the rest
     */
    ClusterCredentials server(UUID clusterId, String version, String text) {
        List<String> problems = new ArrayList<>();
        Parsed parsed = read(root(text), problems, false);
        if (!problems.isEmpty()) {
            throw new InvalidKubeconfigException(problems);
        }
        Map<?, ?> cluster = parsed.cluster();
        return new ClusterCredentials(clusterId, version, parsed.kubeconfig().server(),
                base64(cluster.get("certificate-authority-data")), insecure(cluster), text(cluster.get("tls-server-name")),
                new ClusterCredentials.Anonymous());
    }

    /** A kubeconfig that passed the checks, and the cluster and user sections of its current context. */
    private record Parsed(Kubeconfig kubeconfig, Map<?, ?> cluster, Map<?, ?> user) {
    }

    private Parsed read(Map<?, ?> root) {
        List<String> problems = new ArrayList<>();
        Parsed parsed = read(root, problems, true);
        if (!problems.isEmpty()) {
            throw new InvalidKubeconfigException(problems);
        }
        return parsed;
    }

    private Object load(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(maxBytes);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options);
        try {
            return yaml.load(text);
        } catch (DuplicateKeyException e) {
            throw new InvalidKubeconfigException("has a duplicate key" + at(e));
        } catch (MarkedYAMLException e) {
            throw new InvalidKubeconfigException("is not valid YAML" + at(e));
        } catch (YAMLException e) {
            // Limit violations carry no position; their own messages hold no content, but ours say what to do.
            String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("nesting depth")) {
                throw new InvalidKubeconfigException("is nested more than " + MAX_NESTING_DEPTH + " levels deep");
            }
            if (message.contains("aliases")) {
                throw new InvalidKubeconfigException("uses more than " + MAX_ALIASES + " YAML aliases");
            }
            if (message.contains("exceeds the limit")) {
                throw new InvalidKubeconfigException("is larger than " + maxBytes
                        + " bytes (pullbridge.clusters.max-kubeconfig-bytes)");
            }
            throw new InvalidKubeconfigException("is not valid YAML");
        } catch (RuntimeException e) {
            throw new InvalidKubeconfigException("is not valid YAML");
        }
    }

    private static String at(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return mark == null ? "" : " (line " + (mark.getLine() + 1) + ")";
    }

    private Parsed read(Map<?, ?> root, List<String> problems, boolean withUser) {
        Object currentValue = root.get("current-context");
        if (currentValue != null && !(currentValue instanceof String)) {
            problems.add("current-context must be a string");
            return null;
        }
        String current = (String) currentValue;
        if (current == null || current.isBlank()) {
            problems.add("has no current-context: set it to the context PullBridge should use");
            return null;
        }
        List<Map<?, ?>> contexts = entries(root, "contexts", problems);
        List<Map<?, ?>> clusters = entries(root, "clusters", problems);
        List<Map<?, ?>> users = entries(root, "users", problems);
        if (contexts == null || clusters == null || users == null) {
            return null;
        }
        Map<?, ?> context = named(contexts, current, problems,
                "current-context '" + shown(current) + "' is not one of the contexts",
                "has more than one context named '" + shown(current) + "'");
        if (context == null) {
            return null;
        }
        Map<?, ?> contextBody = section(context, "context");
        String clusterName = text(contextBody.get("cluster"));
        String userName = text(contextBody.get("user"));
        String where = "context '" + shown(current) + "'";

        URI server = null;
        Map<?, ?> clusterBody = Map.of();
        Map<?, ?> userBody = Map.of();
        if (clusterName == null || clusterName.isBlank()) {
            problems.add(where + " names no cluster");
        } else {
            Map<?, ?> cluster = named(clusters, clusterName, problems, where + " names cluster '"
                    + shown(clusterName) + "', which is not one of the clusters",
                    "has more than one cluster named '" + shown(clusterName) + "'");
            if (cluster != null) {
                clusterBody = section(cluster, "cluster");
                server = server(clusterName, clusterBody, problems);
                checkCluster(clusterName, clusterBody, problems);
            }
        }
        if (!withUser) {
            return problems.isEmpty() ? new Parsed(new Kubeconfig(current, clusterName, server), clusterBody, Map.of())
                    : null;
        }
        if (userName == null || userName.isBlank()) {
            problems.add(where + " names no user");
        } else {
            // User names are not shown: some tools put an account or token id in them.
            Map<?, ?> user = named(users, userName, problems, where + " names a user that is not one of the users",
                    "has more than one user with the name " + where + " names");
            if (user != null) {
                userBody = section(user, "user");
                checkUser(where, userBody, problems);
            }
        }
        return problems.isEmpty() ? new Parsed(new Kubeconfig(current, clusterName, server), clusterBody, userBody)
                : null;
    }

    private URI server(String clusterName, Map<?, ?> cluster, List<String> problems) {
        String where = "cluster '" + shown(clusterName) + "'";
        if (cluster.containsKey("certificate-authority")) {
            problems.add(where + " refers to a file on PullBridge's machine (certificate-authority); embed it as "
                    + "certificate-authority-data instead");
        }
        if (cluster.containsKey("proxy-url")) {
            problems.add(where + " sets proxy-url; PullBridge connects to API servers directly");
        }
        Object value = cluster.get("server");
        if (!(value instanceof String text) || text.isBlank()) {
            problems.add(where + " has no server");
            return null;
        }
        String server = text.strip();
        URI uri;
        try {
            uri = new URI(server);
        } catch (URISyntaxException e) {
            problems.add("server of " + where + " is not a valid URL");
            return null;
        }
        // Checked before anything quotes the URL: user information may be a password.
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            problems.add("server of " + where + " must not contain user information (user:password@)");
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problems.add("server of " + where + " must not have a query or fragment");
            return null;
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            problems.add("server " + server + " must be an absolute https:// URL");
            return null;
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            problems.add("server " + server + " must use https");
            return null;
        }
        if (uri.getHost() == null) {
            problems.add("server " + server + " has no valid host");
            return null;
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            problems.add("server " + server + " has a port outside 1 to 65535");
            return null;
        }
        hostPolicy.refusal(uri.getHost()).ifPresent(problems::add);
        return uri;
    }

    private void checkCluster(String clusterName, Map<?, ?> cluster, List<String> problems) {
        String where = "cluster '" + shown(clusterName) + "'";
        checkBase64(where, cluster, "certificate-authority-data", problems);
        if (insecure(cluster) && !allowInsecure) {
            problems.add(where + " sets insecure-skip-tls-verify, which would send credentials to whoever answers; "
                    + "embed the API server's CA as certificate-authority-data instead (or allow it with "
                    + "pullbridge.clusters.allow-insecure-skip-tls-verify)");
        }
    }

    private static boolean insecure(Map<?, ?> cluster) {
        Object value = cluster.get("insecure-skip-tls-verify");
        return Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(text(value));
    }

    private static void checkBase64(String where, Map<?, ?> section, String key, List<String> problems) {
        Object value = section.get(key);
        if (value == null) {
            return;
        }
        if (base64(value) == null) {
            problems.add(key + " of " + where + " is not valid base64");
        }
    }

    /** Base64 data as kubectl reads it (whitespace ignored), or null when absent or not base64. */
    private static byte[] base64(Object value) {
        if (!(value instanceof String text) || text.isBlank()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void checkUser(String where, Map<?, ?> user, List<String> problems) {
        if (user.containsKey("exec")) {
            Kubelogin kubelogin = Kubelogin.of(user.get("exec"));
            if (kubelogin == null) {
                problems.add("the user of " + where + " runs a credential plugin (exec), which PullBridge never does; "
                        + "embed a token or a client certificate instead");
            } else if (!entra.accepts(kubelogin.serverId())) {
                problems.add("the user of " + where + " runs kubelogin for the server id " + shown(kubelogin.serverId())
                        + "; PullBridge signs in only to the AKS server application " + entra.serverId()
                        + " (pullbridge.clusters.entra.server-id)" + (entra.serverIds().isEmpty() ? ""
                        : " and to " + String.join(", ", entra.serverIds()) + " (pullbridge.clusters.entra.server-ids)"));
            } else if (kubelogin.proofOfPossession()) {
                problems.add("the user of " + where + " runs kubelogin with --pop-enabled: the server wants "
                        + "proof-of-possession tokens (as Arc-enabled clusters with Azure RBAC do), and PullBridge "
                        + "presents bearer tokens only; register the cluster with a ServiceAccount token instead");
            } else if (kubelogin.tenantId() != null && !TENANT.matcher(kubelogin.tenantId()).matches()) {
                problems.add("the user of " + where + " runs kubelogin with a --tenant-id that is not a tenant id "
                        + "(a GUID) or domain name");
            }
        }
        if (user.containsKey("auth-provider")) {
            problems.add("the user of " + where + " uses an auth-provider plugin, which PullBridge does not "
                    + "support; embed a token or a client certificate instead");
        }
        checkBase64("the user of " + where, user, "client-certificate-data", problems);
        checkBase64("the user of " + where, user, "client-key-data", problems);
        for (String[] file : new String[][] {{"tokenFile", "token"}, {"client-certificate", "client-certificate-data"},
                {"client-key", "client-key-data"}}) {
            if (user.containsKey(file[0])) {
                problems.add("the user of " + where + " refers to a file on PullBridge's machine (" + file[0]
                        + "); embed it as " + file[1] + " instead");
            }
        }
    }

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");

    /**
     * A user's {@code exec} section that runs {@code kubelogin get-token} with a {@code --server-id}, as AKS hands out
     * for Entra-integrated clusters: its server id and tenant ({@code --tenant-id}, or null). Anything else is not.
     */
    record Kubelogin(String serverId, String tenantId, boolean proofOfPossession) {

        static Kubelogin of(Object exec) {
            if (!(exec instanceof Map<?, ?> section) || !(section.get("command") instanceof String command)
                    || !(section.get("args") instanceof List<?> args)) {
                return null;
            }
            String program = command.strip().replaceFirst("^.*[/\\\\]", "");
            if (!program.equals("kubelogin") && !program.equals("kubelogin.exe")) {
                return null;
            }
            if (args.isEmpty() || !"get-token".equals(text(args.get(0)))) {
                return null;
            }
            String server = option(args, "--server-id");
            boolean pop = args.stream().map(KubeconfigParser::text).anyMatch(arg -> arg != null
                    && (arg.equals("--pop-enabled") || arg.startsWith("--pop-enabled=") && !arg.endsWith("=false")));
            return server == null || server.isBlank() ? null : new Kubelogin(server.strip(),
                    option(args, "--tenant-id"), pop);
        }

        private static String option(List<?> args, String name) {
            for (int i = 1; i < args.size(); i++) {
                String arg = text(args.get(i));
                if (arg == null) {
                    continue;
                }
                if (arg.equals(name) && i + 1 < args.size()) {
                    return text(args.get(i + 1));
                }
                if (arg.startsWith(name + "=")) {
                    return arg.substring(name.length() + 1);
                }
            }
            return null;
        }
    }

    /** The list under {@code key} (absent means empty), keeping only its mapping entries. */
    private static List<Map<?, ?>> entries(Map<?, ?> root, String key, List<String> problems) {
        Object value = root.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add(key + " must be a list of named entries");
            return null;
        }
        List<Map<?, ?>> entries = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof Map<?, ?> map)) {
                problems.add(key + " must be a list of named entries");
                return null;
            }
            entries.add(map);
        }
        return entries;
    }

    private static Map<?, ?> named(List<Map<?, ?>> entries, String name, List<String> problems, String missing,
                                   String ambiguous) {
        List<Map<?, ?>> matches = entries.stream().filter(entry -> name.equals(text(entry.get("name")))).toList();
        if (matches.isEmpty()) {
            problems.add(missing);
            return null;
        }
        if (matches.size() > 1) {
            problems.add(ambiguous);
            return null;
        }
        return matches.get(0);
    }

    private static Map<?, ?> section(Map<?, ?> entry, String key) {
        return entry.get(key) instanceof Map<?, ?> map ? map : Map.of();
    }

    /** A scalar as text, as kubectl would read it; null for anything else. */
    private static String text(Object value) {
        if (value instanceof String string) {
            return string;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        return null;
    }

    private static String shown(String name) {
        return name.length() <= MAX_NAME_SHOWN ? name : name.substring(0, MAX_NAME_SHOWN) + "…";
    }
}
