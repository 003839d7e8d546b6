/**
 * The Docker Registry HTTP API v2 adapter: the handshake a container runtime performs to pull
 * ({@link io.pullbridge.registry.RegistryHandshake}), over OkHttp with its own challenge parsing, Basic credentials,
 * call deadlines and bounded bodies, held to where a login may go ({@link io.pullbridge.registry.RegistryDestinations}:
 * the cluster host policy and the allowed token realm hosts). Its answer is a {@link io.pullbridge.registry.PullCheck}
 * that holds no secret. It knows no feature: bindings inject it to verify pull secrets.
 */
package io.pullbridge.registry;
