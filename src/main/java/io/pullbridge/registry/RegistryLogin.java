package io.pullbridge.registry;

/**
 * What a pull secret's {@code .dockerconfigjson} holds for one registry: the server as written there
 * ({@code myacr.azurecr.io}, {@code host:5000}, or with a scheme, {@code https://host}), a user name and a password.
 * The password never appears in {@link #toString()}.
 */
public record RegistryLogin(String server, String username, String password) {

    public RegistryLogin {
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("A registry login needs a server");
        }
        if (username == null || username.isEmpty()) {
            throw new IllegalArgumentException("A registry login needs a user name");
        }
        if (username.indexOf(':') >= 0) {
            // Basic authentication splits "user:password" at the first colon: such a user name cannot be sent.
            throw new IllegalArgumentException("A registry user name cannot hold ':'");
        }
        if (password == null) {
            throw new IllegalArgumentException("A registry login needs a password");
        }
    }

    @Override
    public String toString() {
        return "RegistryLogin[server=" + server + ", username=" + username + ", password=(redacted)]";
    }
}
