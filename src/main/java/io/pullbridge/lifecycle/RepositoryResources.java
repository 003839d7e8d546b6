package io.pullbridge.lifecycle;

import io.pullbridge.common.ResourceEntity;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.data.jpa.repository.JpaRepository;

/** {@link ManagedResources} over a feature's Spring Data repository; features subclass it with their kind. */
public abstract class RepositoryResources<T extends ResourceEntity> implements ManagedResources {

    private final String kind;
    private final JpaRepository<T, UUID> repository;
    private final Class<T> type;
    private final Function<T, String> describer;

    /** @param describer the audit detail of the resource, as {@link ManagedResources#describe} */
    protected RepositoryResources(String kind, JpaRepository<T, UUID> repository, Class<T> type,
                                  Function<T, String> describer) {
        this.kind = kind;
        this.repository = repository;
        this.type = type;
        this.describer = describer;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Optional<T> find(UUID id) {
        return repository.findById(id);
    }

    @Override
    public void remove(ResourceEntity resource) {
        repository.delete(type.cast(resource));
        repository.flush();
    }

    @Override
    public String describe(ResourceEntity resource) {
        return describer.apply(type.cast(resource));
    }
}
