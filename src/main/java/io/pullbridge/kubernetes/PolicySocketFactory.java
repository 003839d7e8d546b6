package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ServerHostPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Sockets that check the address they connect to against {@link ServerHostPolicy} first: a server name that
 * resolves to a refused address (DNS rebinding, {@code 127.0.0.1.nip.io}) is refused when connecting, whatever the
 * name looked like at registration.
 */
final class PolicySocketFactory extends SocketFactory {

    private final ServerHostPolicy policy;
    private final String host;

    PolicySocketFactory(ServerHostPolicy policy, String host) {
        this.policy = policy;
        this.host = host;
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                check(endpoint);
                super.connect(endpoint, timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket socket = createSocket();
        socket.connect(address);
        return socket;
    }

    private void check(SocketAddress endpoint) throws IOException {
        if (!(endpoint instanceof InetSocketAddress address) || address.getAddress() == null) {
            throw new RefusedAddressException("the address of " + host + " is not resolved");
        }
        try {
            policy.checkResolved(host, address.getAddress());
        } catch (IllegalArgumentException refused) {
            throw new RefusedAddressException(refused.getMessage());
        }
    }
}
