package io.pullbridge.kubernetes;

import io.pullbridge.clusters.ClusterCredentials;
import io.pullbridge.clusters.EntraTokens;
import java.io.IOException;
import okhttp3.Authenticator;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * Signs each call to an Entra-integrated API server with PullBridge's token for the server application, and answers
 * a 401 with one fresh token and one retry: OkHttp hands the authenticator the refused call's response, and a retry
 * that is refused again (it has a prior response) is given up, so a server that refuses every token is not looped on.
 */
final class EntraBearer implements Interceptor, Authenticator {

    private static final String AUTHORIZATION = "Authorization";
    private static final String BEARER = "Bearer ";

    private static final int KEPT_TOKENS = 4;

    private final EntraTokens tokens;
    private final ClusterCredentials.EntraToken credential;
    private final java.util.Deque<String> sent = new java.util.ArrayDeque<>();

    EntraBearer(EntraTokens tokens, ClusterCredentials.EntraToken credential) {
        this.tokens = tokens;
        this.credential = credential;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        String token = sent(tokens.token(credential.tenantId(), credential.scope()));
        return chain.proceed(chain.request().newBuilder().header(AUTHORIZATION, BEARER + token).build());
    }

    @Override
    public Request authenticate(Route route, Response response) {
        if (response.priorResponse() != null) {
            return null;
        }
        String sent = response.request().header(AUTHORIZATION);
        String rejected = sent != null && sent.startsWith(BEARER) ? sent.substring(BEARER.length()) : "";
        String fresh = tokens.refresh(credential.tenantId(), credential.scope(), rejected);
        return response.request().newBuilder().header(AUTHORIZATION, BEARER + sent(fresh)).build();
    }

    /** The last few tokens this client sent, for a mask: a refusal may quote the header it got. */
    synchronized java.util.List<String> sentTokens() {
        return java.util.List.copyOf(sent);
    }

    private synchronized String sent(String token) {
        if (token != null && !sent.contains(token)) {
            sent.addFirst(token);
            while (sent.size() > KEPT_TOKENS) {
                sent.removeLast();
            }
        }
        return token;
    }
}
