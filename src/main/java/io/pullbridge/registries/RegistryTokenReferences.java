package io.pullbridge.registries;

import io.pullbridge.common.Reference;
import io.pullbridge.common.ResourceKinds;
import io.pullbridge.common.ResourceReferences;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A registry cannot be removed while it has tokens: their scope maps and tokens live inside it. Kept apart from
 * {@link RegistryTokenService} so that {@link RegistryService}, which asks every {@link ResourceReferences}, does
 * not depend on the token service that depends on it.
 */
@Component
class RegistryTokenReferences implements ResourceReferences {

    private final RegistryTokenRepository tokens;

    RegistryTokenReferences(RegistryTokenRepository tokens) {
        this.tokens = tokens;
    }

    @Override
    public List<Reference> referencesTo(String kind, UUID id) {
        if (!ResourceKinds.REGISTRY.equals(kind)) {
            return List.of();
        }
        return tokens.findReferencesByRegistryId(id);
    }
}
