package io.pullbridge.web;

/** The API's roles, as the {@code roles} claim of a token names them; each includes the ones below it. */
public enum Role {
    READER("Reader"),
    OPERATOR("Operator"),
    ADMIN("Admin");

    private final String claim;

    Role(String claim) {
        this.claim = claim;
    }

    /** The role's name in a token's {@code roles} claim. */
    public String claim() {
        return claim;
    }

    /** Whether holding this role grants {@code other} too. */
    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    static Role fromAuthority(String authority) {
        for (Role role : values()) {
            if (authority.equals("ROLE_" + role.claim)) {
                return role;
            }
        }
        return null;
    }
}
