package io.pullbridge.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The Helm chart at {@code deploy/helm/pullbridge}, linted and rendered by helm-java (Helm's Go library in a jar, for
 * this platform: no helm binary, no cluster, nothing downloaded) as {@code helm lint} and {@code helm template} would.
 */
final class RenderedChart {

    static final Path CHART = Path.of("deploy/helm/pullbridge");
    static final Path CI = CHART.resolve("ci");
    static final String RELEASE = "pullbridge";
    static final String NAMESPACE = "pullbridge";
    /** helm-java's library defaults to Kubernetes 1.20, older than the chart's kubeVersion allows. */
    static final String KUBE_VERSION = "v1.33.0";

    private final String manifest;
    private final List<Map<String, Object>> objects;

    private RenderedChart(String manifest) {
        this.manifest = manifest;
        this.objects = new ArrayList<>();
        for (Object document : yaml().loadAll(manifest)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
    }

    /** {@code helm template pullbridge deploy/helm/pullbridge -n pullbridge -f <values>...}. */
    static RenderedChart render(Path... valuesFiles) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path values : valuesFiles) {
            template = template.withValuesFile(values);
        }
        return new RenderedChart(template.call());
    }

    /**
     * {@code helm lint --strict -f <values>}: helm-java's lint takes no values files, so the chart is copied with the
     * values file merged over its values.yaml, as Helm merges them.
     */
    static LintResult lint(Path valuesFile, Path workDirectory) {
        Path copy = workDirectory.resolve("pullbridge");
        copyTree(CHART, copy);
        Map<String, Object> merged = merge(load(CHART.resolve("values.yaml")), load(valuesFile));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        try {
            Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(merged));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    /** The values files under the chart's ci/ folder, one installation each. */
    static List<Path> ciValuesFiles() {
        try (Stream<Path> files = Files.list(CI)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path ci(String name) {
        return CI.resolve(name + "-values.yaml");
    }

    String manifest() {
        return manifest;
    }

    List<Map<String, Object>> objects() {
        return objects;
    }

    List<Map<String, Object>> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> one(String kind) {
        List<Map<String, Object>> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    Map<String, Object> named(String kind, String name) {
        return all(kind).stream().filter(o -> name.equals(get(o, "metadata.name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    /** The container of the Deployment. */
    Map<String, Object> container() {
        List<Map<String, Object>> containers = list(one("Deployment"), "spec.template.spec.containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, found " + containers.size());
        }
        return containers.get(0);
    }

    /** The container's environment variables by name. */
    Map<String, Map<String, Object>> env() {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : list(container(), "env")) {
            env.put((String) variable.get("name"), variable);
        }
        return env;
    }

    /** The configuration file the ConfigMap hands to Spring Boot, as a YAML tree. */
    Map<String, Object> configFile() {
        String text = (String) get(one("ConfigMap"), "data.[application.yaml]");
        return map(yaml().load(text));
    }

    /** A value under a dotted path of map keys; a key may itself hold dots when written in brackets. */
    static Object get(Map<String, Object> root, String path) {
        Object current = root;
        for (String key : splitPath(path)) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> root, String path) {
        Object value = get(root, path);
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    static Map<String, Object> load(Path file) {
        try {
            Map<String, Object> loaded = map(yaml().load(Files.readString(file)));
            return loaded == null ? new LinkedHashMap<>() : loaded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        return new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options);
    }

    private static List<String> splitPath(String path) {
        List<String> keys = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        boolean bracket = false;
        for (char c : path.toCharArray()) {
            if (c == '[') {
                bracket = true;
            } else if (c == ']') {
                bracket = false;
            } else if (c == '.' && !bracket) {
                keys.add(key.toString());
                key.setLength(0);
            } else {
                key.append(c);
            }
        }
        keys.add(key.toString());
        return keys;
    }

    /** Helm's merge of values: maps merge key by key, anything else is replaced. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        over.forEach((key, value) -> {
            if (value instanceof Map<?, ?> && merged.get(key) instanceof Map<?, ?>) {
                merged.put(key, merge(map(merged.get(key)), map(value)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
