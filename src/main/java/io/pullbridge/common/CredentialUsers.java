package io.pullbridge.common;

import java.util.List;

/**
 * Port: whatever writes a credential somewhere else (the pull secrets of bindings, in every cluster). A rotation
 * adds a new password, publishes {@link CredentialRotated}, and retires the old password only once every
 * implementation reports that no user still holds it, so pulls never fail mid-rotation.
 */
public interface CredentialUsers {

    /**
     * The users of the credential that do not hold the password with this fingerprint yet, each described for
     * the rotation job's record (e.g. {@code binding 3f… in cluster prod-weu: 2 namespaces pending}); empty when
     * all of them have switched or nothing uses the credential. Must not show any secret.
     */
    List<String> notYetSwitched(Reference credential, String fingerprint);
}
