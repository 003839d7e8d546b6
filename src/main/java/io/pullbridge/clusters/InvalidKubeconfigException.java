package io.pullbridge.clusters;

import java.util.List;

/**
 * Why a kubeconfig was refused. The messages name contexts, clusters and the server URL at most: never a user
 * name, a credential or a snippet of the file.
 */
class InvalidKubeconfigException extends IllegalArgumentException {

    private final List<String> problems;

    InvalidKubeconfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    InvalidKubeconfigException(String problem) {
        this(List.of(problem));
    }

    List<String> problems() {
        return problems;
    }
}
