package io.pullbridge.bindings;

import io.pullbridge.common.ResourceKinds;
import io.pullbridge.lifecycle.RepositoryResources;
import org.springframework.stereotype.Component;

/** Bindings in the resource lifecycle: their status follows their jobs, their deletes run as jobs. */
@Component
class BindingResources extends RepositoryResources<Binding> {

    BindingResources(BindingRepository repository) {
        super(ResourceKinds.BINDING, repository, Binding.class, binding -> binding.getMethod().value());
    }
}
