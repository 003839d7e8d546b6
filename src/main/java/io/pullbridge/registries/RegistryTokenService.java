package io.pullbridge.registries;

import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Repository-scoped tokens of registries. */
@Service
public class RegistryTokenService {

    private final RegistryTokenRepository tokens;

    RegistryTokenService(RegistryTokenRepository tokens) {
        this.tokens = tokens;
    }

    /** The token with this id, for features that reference tokens. */
    @Transactional(readOnly = true)
    public Optional<RegistryTokenView> find(UUID id) {
        return tokens.findById(id).map(RegistryToken::view);
    }
}
