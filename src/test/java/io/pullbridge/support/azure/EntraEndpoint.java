package io.pullbridge.support.azure;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Entra ID (v2.0) endpoints MSAL uses for a confidential client: the token endpoint with the client-credentials
 * grant (client secret, or a client assertion for workload identity), and the discovery documents MSAL may fetch,
 * all pointing back at the emulator.
 */
final class EntraEndpoint {

    static final Pattern TOKEN = Pattern.compile("^/([^/]+)/oauth2/v2\\.0/token$", Pattern.CASE_INSENSITIVE);
    static final Pattern OPENID = Pattern.compile("^/([^/]+)/v2\\.0/\\.well-known/openid-configuration$",
            Pattern.CASE_INSENSITIVE);
    static final Pattern KEYS = Pattern.compile("^/([^/]+)/discovery/v2\\.0/keys$", Pattern.CASE_INSENSITIVE);
    static final Pattern INSTANCE_DISCOVERY = Pattern.compile("^/common/discovery/instance$", Pattern.CASE_INSENSITIVE);

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Directory directory;
    private final String baseUrl;

    EntraEndpoint(Directory directory, String baseUrl) {
        this.directory = directory;
        this.baseUrl = baseUrl;
    }

    static boolean serves(String path) {
        return TOKEN.matcher(path).matches() || OPENID.matcher(path).matches() || KEYS.matcher(path).matches()
                || INSTANCE_DISCOVERY.matcher(path).matches();
    }

    Reply handle(Call call) {
        Matcher token = TOKEN.matcher(call.path());
        if (token.matches()) {
            return "POST".equals(call.method()) ? token(token.group(1), call.form())
                    : error(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
        }
        Matcher openid = OPENID.matcher(call.path());
        if (openid.matches()) {
            return Reply.json(200, openidConfiguration(openid.group(1)));
        }
        if (KEYS.matcher(call.path()).matches()) {
            return Reply.json(200, Map.of("keys", List.of()));
        }
        // Instance discovery: the emulator is its own (and only) cloud instance.
        String host = baseUrl.replaceFirst("^https://", "").replaceFirst("/$", "");
        return Reply.json(200, Json.obj(
                "tenant_discovery_endpoint", baseUrl + directory.tenantId() + "/v2.0/.well-known/openid-configuration",
                "api-version", "1.1",
                "metadata", List.of(Json.obj("preferred_network", host, "preferred_cache", host,
                        "aliases", List.of(host)))));
    }

    /** Token requests carry the client id even when they fail; recorded with the request. */
    static String clientIdOf(Call call) {
        return TOKEN.matcher(call.path()).matches() ? call.form().get("client_id") : null;
    }

    private Reply token(String tenant, Map<String, String> form) {
        if (!directory.servesTenant(tenant) && !tenant.equalsIgnoreCase("organizations")) {
            return error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you "
                    + "have the correct tenant ID and are signing into the correct cloud.");
        }
        String grantType = form.get("grant_type");
        if (!"client_credentials".equals(grantType)) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"
                    + grantType + "'.");
        }
        String clientId = form.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: "
                    + "'client_id'.");
        }
        String scope = form.get("scope");
        if (scope == null || scope.isBlank()) {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: "
                    + "'scope'.");
        }
        if (!directory.clientExists(clientId)) {
            return error(400, "unauthorized_client", 700016, "Application with identifier '" + clientId + "' was not "
                    + "found in the directory '" + directory.tenantId() + "'. This can happen if the application has "
                    + "not been installed by the administrator of the tenant or consented to by any user in the "
                    + "tenant. You may have sent your authentication request to the wrong tenant.");
        }
        String assertion = form.get("client_assertion");
        if (assertion != null) {
            if (!directory.isFederatedClient(clientId)) {
                return error(401, "invalid_client", 70021, "No matching federated identity record found for "
                        + "presented assertion.");
            }
        } else {
            String secret = form.get("client_secret");
            if (secret == null || secret.isEmpty()) {
                return error(401, "invalid_client", 7000218, "The request body must contain the following parameter: "
                        + "'client_assertion' or 'client_secret'.");
            }
            List<PasswordCredential> passwords = directory.clientPasswords(clientId);
            PasswordCredential match = passwords.stream().filter(p -> p.secretText().equals(secret)).findFirst()
                    .orElse(null);
            if (match == null) {
                return error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                        + "being sent in the request is the client secret value, not the client secret ID, for a "
                        + "secret added to app '" + clientId + "'.");
            }
            if (!match.validAt(directory.now())) {
                return error(401, "invalid_client", 7000222, "The provided client secret keys for app '" + clientId
                        + "' are expired. Visit the Azure portal to create new keys for your app: "
                        + "https://aka.ms/NewClientSecret, or consider using certificate credentials for added "
                        + "security: https://aka.ms/certCreds.");
            }
        }
        IssuedToken issued = directory.issueToken(clientId, scope,
                tenant.equalsIgnoreCase("organizations") ? directory.tenantId() : tenant);
        return Reply.json(200, Json.obj("token_type", "Bearer", "expires_in", 3599, "ext_expires_in", 3599,
                "access_token", issued.accessToken()));
    }

    /** Entra's error shape: {@code error}, {@code error_description} starting with the AADSTS code, and ids. */
    static Reply error(int status, String error, int aadsts, String message) {
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        String timestamp = TIMESTAMP.format(Instant.now());
        return Reply.json(status, Json.obj(
                "error", error,
                "error_description", "AADSTS" + aadsts + ": " + message + " Trace ID: " + traceId
                        + " Correlation ID: " + correlationId + " Timestamp: " + timestamp,
                "error_codes", List.of(aadsts),
                "timestamp", timestamp,
                "trace_id", traceId,
                "correlation_id", correlationId,
                "error_uri", "https://login.microsoftonline.com/error?code=" + aadsts));
    }

    private Map<String, Object> openidConfiguration(String tenant) {
        String tenantId = tenant.equalsIgnoreCase("organizations") || tenant.equalsIgnoreCase("common")
                ? directory.tenantId() : tenant;
        String authority = baseUrl + tenantId;
        return Json.obj(
                "token_endpoint", authority + "/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported", List.of("client_secret_post", "private_key_jwt",
                        "client_secret_basic"),
                "jwks_uri", authority + "/discovery/v2.0/keys",
                "response_modes_supported", List.of("query", "fragment", "form_post"),
                "subject_types_supported", List.of("pairwise"),
                "id_token_signing_alg_values_supported", List.of("RS256"),
                "response_types_supported", List.of("code", "id_token", "code id_token", "id_token token"),
                "scopes_supported", List.of("openid", "profile", "email", "offline_access"),
                "issuer", authority + "/v2.0",
                "request_uri_parameter_supported", false,
                "authorization_endpoint", authority + "/oauth2/v2.0/authorize",
                "device_authorization_endpoint", authority + "/oauth2/v2.0/devicecode",
                "end_session_endpoint", authority + "/oauth2/v2.0/logout",
                "tenant_region_scope", null,
                "cloud_instance_name", "emulator",
                "msgraph_host", baseUrl.replaceFirst("^https://", "").replaceFirst("/$", ""));
    }
}
