package io.pullbridge.support.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The custom Azure role committed as {@code deploy/azure/pullbridge-role.json} (the input of
 * {@code az role definition create}), which README.md tells operators to assign to PullBridge's identity. The emulator
 * limits PullBridge's client to its actions ({@link AzureEmulator#registerPullBridge}).
 */
public final class PullBridgeRole {

    public static final Path FILE = Path.of("deploy/azure/pullbridge-role.json");

    private PullBridgeRole() {
    }

    /** The role definition as written. */
    public static Map<String, Object> definition() {
        try {
            return Json.object(Files.readString(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + FILE.toAbsolutePath(), e);
        }
    }

    /** Its {@code Actions}. */
    public static Set<String> actions() {
        return new TreeSet<>(strings(definition(), "Actions"));
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Map<String, Object> definition, String name) {
        Object value = definition.get(name);
        return value == null ? List.of() : (List<String>) value;
    }
}
