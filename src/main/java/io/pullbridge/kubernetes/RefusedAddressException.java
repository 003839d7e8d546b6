package io.pullbridge.kubernetes;

import java.io.IOException;

/** A connection PullBridge refused to make: the address is refused by the kubeconfig server policy. */
final class RefusedAddressException extends IOException {

    RefusedAddressException(String message) {
        super(message);
    }
}
