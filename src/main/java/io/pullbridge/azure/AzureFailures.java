package io.pullbridge.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.identity.CredentialUnavailableException;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;
import io.pullbridge.common.Causes;
import io.pullbridge.common.SecretMask;
import io.pullbridge.jobs.FailureClass;
import io.pullbridge.principals.EntraDirectory;
import io.pullbridge.jobs.JobFailure;
import io.pullbridge.jobs.JobProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the Azure SDK throws into {@link JobFailure}s whose problem types tell the causes apart, each with
 * Azure's request id ({@code x-ms-request-id}, Graph's {@code request-id}) so an operator can quote it to Microsoft.
 * Details name the action, the Azure error code and Azure's own message; they never carry request or response bodies.
 * Azure's message is masked before it is shortened: for connection-string passwords always, and for the secrets a
 * call sent when the caller names them ({@link #arm(String, SecretMask, Supplier)}), since an error about a request
 * may quote it.
 */
final class AzureFailures {

    static final String AUTHORIZATION_FAILED = "azure-authorization-failed";
    static final String AUTHENTICATION_FAILED = "azure-authentication-failed";
    static final String GRAPH_FAILED = "azure-graph-failed";
    static final String PRINCIPAL_NOT_PROPAGATED = "azure-principal-not-propagated";
    static final String ROLE_ASSIGNMENT_LIMIT = "azure-role-assignment-limit";
    static final String NOT_FOUND = "azure-not-found";
    static final String THROTTLED = "azure-throttled";
    static final String UNAVAILABLE = "azure-unavailable";
    static final String CONFLICT = "azure-conflict";
    static final String REQUEST_FAILED = "azure-request-failed";

    private static final Logger log = LoggerFactory.getLogger(AzureFailures.class);
    private static final Pattern DENIED_ACTION = Pattern.compile(
            "perform action '([^']+)' over scope '([^']+)'", Pattern.CASE_INSENSITIVE);
    private static final Pattern AADSTS = Pattern.compile("(AADSTS\\d+)(?::\\s*([^.\\r\\n]*))?");
    private static final List<String> TRANSIENT_CONFLICTS = List.of("AnotherOperationInProgress",
            "OperationPreempted", "ConcurrentRequestLimitExceeded", "RetryableError",
            // Entra applies one change to a managed identity's federated credentials at a time.
            "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity");
    private static final int MAX_MESSAGE = 400;

    /** Which API a call went to: Graph's failures have a problem type of their own. */
    enum Api { ARM, GRAPH }

    private AzureFailures() {
    }

    /** Runs a call to ARM, translating its failures; {@code action} says what was being done, for the detail. */
    static <T> T arm(String action, Supplier<T> call) {
        return call(Api.ARM, action, call);
    }

    /**
     * Runs a call to ARM that sends secrets: Azure's message is masked for them before it is shortened, and the SDK's
     * exception (whose message quotes the response body) is not kept as the failure's cause if it quotes one.
     */
    static <T> T arm(String action, SecretMask secrets, Supplier<T> call) {
        return call(Api.ARM, action, secrets, call);
    }

    static <T> T graph(String action, Supplier<T> call) {
        return call(Api.GRAPH, action, call);
    }

    static <T> T call(Api api, String action, Supplier<T> call) {
        return call(api, action, SecretMask.none(), call);
    }

    static <T> T call(Api api, String action, SecretMask secrets, Supplier<T> call) {
        try {
            return call.get();
        } catch (JobFailure e) {
            throw e.masked(secrets);
        } catch (RuntimeException e) {
            JobFailure failure = translate(e, api, action, secrets);
            throw quotesASecret(e, secrets) ? withoutCause(failure) : failure;
        }
    }

    /** Whether the SDK's exception, or a cause of it, quotes one of the secrets (its message holds the response). */
    private static boolean quotesASecret(Throwable e, SecretMask secrets) {
        for (Throwable t : Causes.chain(e)) {
            String message = t.getMessage();
            if (message != null && !secrets.apply(message).equals(message)) {
                return true;
            }
        }
        return false;
    }

    private static JobFailure withoutCause(JobFailure failure) {
        return failure.isTransient()
                ? JobFailure.transientFailure(failure.problem(), failure.retryAfter().orElse(null), null)
                : JobFailure.permanent(failure.problem(), null);
    }

    /** Runs a read whose "not found" (404) means empty. */
    static <T> Optional<T> armOptional(String action, Supplier<T> call) {
        return optional(Api.ARM, action, call);
    }

    static <T> Optional<T> optional(Api api, String action, Supplier<T> call) {
        return call(api, action, () -> {
            try {
                return Optional.ofNullable(call.get());
            } catch (HttpResponseException e) {
                if (status(e) == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** Runs a delete for which "already gone" (404) is success. */
    static void delete(Api api, String action, Runnable call) {
        optional(api, action, () -> {
            call.run();
            return Boolean.TRUE;
        });
    }

    static int status(HttpResponseException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    /** Azure's error message, or empty. */
    static String errorMessage(Throwable e) {
        if (e instanceof ManagementException management && management.getValue() != null
                && management.getValue().getMessage() != null) {
            return management.getValue().getMessage();
        }
        return "";
    }

    static Optional<String> errorCode(Throwable e) {
        if (e instanceof ManagementException management && management.getValue() != null) {
            return Optional.ofNullable(management.getValue().getCode());
        }
        return Optional.empty();
    }

    static JobFailure translate(Throwable e, Api api, String action) {
        return translate(e, api, action, SecretMask.none());
    }

    static JobFailure translate(Throwable e, Api api, String action, SecretMask secrets) {
        if (e instanceof JobFailure failure) {
            return failure.masked(secrets);
        }
        boolean io = hasIoCause(e);
        Throwable credentialFailure = credentialFailure(e);
        if (credentialFailure != null && !io) {
            return authenticationFailed(credentialFailure, action, e, secrets);
        }
        HttpResponseException http = find(e, HttpResponseException.class);
        if (http != null && !(http instanceof ClientAuthenticationException) && http.getResponse() != null) {
            return fromResponse(http, api, action, secrets);
        }
        if (io || credentialFailure != null) {
            return JobFailure.transientFailure(problem(UNAVAILABLE, "Azure could not be reached", 503,
                    "Azure could not be reached while " + action + " (" + ioKind(e) + ")", FailureClass.TRANSIENT,
                    null), null, e);
        }
        log.warn("Unexpected failure from the Azure SDK while {}: {}", action, e.getClass().getName());
        return JobFailure.permanent(problem(REQUEST_FAILED, "An Azure call failed", 502,
                "An unexpected error stopped the Azure call while " + action + "; the service log names its kind",
                FailureClass.PERMANENT, null), e);
    }

    /** ARM said the assignment exists (409) but does not list it yet: replication, so try again shortly. */
    static JobFailure existingAssignmentNotListed(String action) {
        return JobFailure.transientFailure(problem(CONFLICT, "Azure is busy with another change", 409,
                "Azure says the role assignment already exists but does not list it yet while " + action,
                FailureClass.TRANSIENT, null), null, null);
    }

    private static JobFailure fromResponse(HttpResponseException e, Api api, String action, SecretMask secrets) {
        HttpResponse response = e.getResponse();
        int status = response.getStatusCode();
        String requestId = requestId(response.getHeaders(), api);
        ManagementError error = e instanceof ManagementException management ? management.getValue() : null;
        String code = error == null || error.getCode() == null ? "" : error.getCode();
        String message = error == null || error.getMessage() == null ? "" : shorten(error.getMessage(), secrets);
        String azureSays = code.isEmpty() ? "HTTP " + status : code + (message.isEmpty() ? "" : ": " + message);
        Optional<Duration> retryAfter = retryAfter(response.getHeaders());

        if (status == 429) {
            return JobFailure.transientFailure(problem(THROTTLED, "Azure is throttling PullBridge", 429,
                    (api == Api.GRAPH ? "Microsoft Graph" : "Azure Resource Manager") + " throttled PullBridge while "
                            + action + retryAfter.map(d -> "; it asks to wait " + d.toSeconds() + "s").orElse(""),
                    FailureClass.TRANSIENT, requestId), retryAfter.orElse(null), e);
        }
        if (status >= 500 || status == 408) {
            return JobFailure.transientFailure(problem(UNAVAILABLE, "Azure is unavailable", 503,
                    "Azure answered " + status + " while " + action + " (" + azureSays + ")", FailureClass.TRANSIENT,
                    requestId), retryAfter.orElse(null), e);
        }
        if (code.equalsIgnoreCase("PrincipalNotFound")) {
            return JobFailure.transientFailure(problem(PRINCIPAL_NOT_PROPAGATED,
                    "The principal has not reached Azure Resource Manager yet", 409,
                    "Azure Resource Manager does not see the principal yet while " + action + " (" + azureSays
                            + "); Entra ID is still replicating a new principal, so this is retried",
                    FailureClass.TRANSIENT, requestId), retryAfter.orElse(null), e);
        }
        if (code.equalsIgnoreCase("RoleAssignmentLimitExceeded")) {
            return JobFailure.permanent(problem(ROLE_ASSIGNMENT_LIMIT,
                    "The subscription's role assignment limit is reached", 409,
                    "Azure refused a new role assignment while " + action + ": the subscription holds as many role "
                            + "assignments as Azure allows; remove unused ones (" + azureSays + ")",
                    FailureClass.PERMANENT, requestId), e);
        }
        if (status == 401) {
            return JobFailure.permanent(problem(AUTHENTICATION_FAILED, "Azure refused PullBridge's credentials", 401,
                    (api == Api.GRAPH ? "Microsoft Graph" : "Azure Resource Manager") + " refused PullBridge's token "
                            + "while " + action + " (" + azureSays + ")", FailureClass.PERMANENT, requestId), e);
        }
        if (api == Api.GRAPH && status != 404) {
            String why = status == 403
                    ? "; PullBridge's identity lacks the Microsoft Graph permission it needs (Application.ReadWrite."
                    + "OwnedBy or Application.ReadWrite.All to create applications and manage their passwords), or "
                    + "adopt an existing service principal instead"
                    : "";
            return JobFailure.permanent(problem(GRAPH_FAILED, "Microsoft Graph refused the request",
                    status, "Microsoft Graph refused " + action + " (" + graphSays(e, status, secrets) + ")" + why,
                    FailureClass.PERMANENT, requestId), e);
        }
        if (status == 403) {
            return JobFailure.permanent(problem(AUTHORIZATION_FAILED, "Azure denied PullBridge's identity an action",
                    403, authorizationDetail(action, secrets.apply(errorMessage(e)), azureSays), FailureClass.PERMANENT,
                    requestId), e);
        }
        if (status == 404) {
            String what = api == Api.GRAPH ? graphSays(e, status, secrets) : azureSays;
            return JobFailure.permanent(problem(NOT_FOUND, "The Azure resource does not exist", 404,
                    "Not found in Azure while " + action + " (" + what + ")", FailureClass.PERMANENT, requestId), e);
        }
        if (status == 409 && TRANSIENT_CONFLICTS.stream().anyMatch(code::equalsIgnoreCase)) {
            return JobFailure.transientFailure(problem(CONFLICT, "Azure is busy with another change", 409,
                    "Azure refused a concurrent change while " + action + " (" + azureSays + ")",
                    FailureClass.TRANSIENT, requestId), retryAfter.orElse(null), e);
        }
        return JobFailure.permanent(problem(REQUEST_FAILED, "Azure refused the request", status,
                "Azure refused " + action + " (" + azureSays + ")", FailureClass.PERMANENT, requestId), e);
    }

    private static String authorizationDetail(String action, String message, String azureSays) {
        Matcher denied = DENIED_ACTION.matcher(message);
        if (!denied.find()) {
            return "Azure denied PullBridge's identity while " + action + " (" + azureSays + ")";
        }
        String permission = denied.group(1);
        String scope = denied.group(2);
        String detail = "PullBridge's Azure identity lacks the permission '" + permission + "' at scope '" + scope
                + "' (needed for " + action + ")";
        if (permission.equalsIgnoreCase("Microsoft.Authorization/roleAssignments/write")) {
            detail += "; give it a role that includes Microsoft.Authorization/roleAssignments/write at the registry "
                    + "(e.g. 'Role Based Access Control Administrator' or 'User Access Administrator')";
        }
        return detail;
    }

    private static String graphSays(HttpResponseException e, int status, SecretMask secrets) {
        if (e instanceof ManagementException management && management.getValue() != null
                && management.getValue().getCode() != null) {
            ManagementError error = management.getValue();
            return error.getCode() + (error.getMessage() == null ? "" : ": " + shorten(error.getMessage(), secrets));
        }
        return "HTTP " + status;
    }

    private static JobFailure authenticationFailed(Throwable credentialFailure, String action, Throwable e,
                                                   SecretMask secrets) {
        String requestId = null;
        String reason = "the credential was refused or is not configured";
        MsalServiceException msal = find(e, MsalServiceException.class);
        if (msal != null) {
            requestId = first(msal.headers(), "x-ms-request-id");
            if (requestId == null) {
                requestId = msal.correlationId();
            }
        }
        // Entra's AADSTS code and description; never the request, which holds the client secret or assertion.
        for (Throwable t : Causes.chain(e)) {
            Matcher aadsts = t.getMessage() == null ? null : AADSTS.matcher(t.getMessage());
            if (aadsts != null && aadsts.find()) {
                reason = aadsts.group(1) + (aadsts.group(2) == null ? "" : ": " + aadsts.group(2).strip());
                break;
            }
        }
        if (credentialFailure instanceof CredentialUnavailableException && msal == null) {
            reason = "no credential is available (configure pullbridge.azure.credential and the AZURE_* "
                    + "variables, a workload identity or a managed identity)";
        }
        return JobFailure.permanent(problem(AUTHENTICATION_FAILED, "Azure refused PullBridge's credentials", 401,
                "PullBridge could not sign in to Entra ID while " + action + ": " + shorten(reason, secrets),
                FailureClass.PERMANENT, requestId), e);
    }

    /**
     * Why Entra ID would not sign in as another application ({@link EntraDirectory#provePossession}): a refusal (4xx) is {@code service-principal-password-rejected}, naming Entra's AADSTS code
     * and what it means in PullBridge's words, never Entra's own text, which may quote the request; an answer Entra
     * could not give (5xx, throttling, I/O) is transient.
     */
    static JobFailure signInRefused(Throwable e, UUID appId, UUID tenantId) {
        String action = "signing in as application " + appId + " in tenant " + tenantId;
        MsalServiceException msal = find(e, MsalServiceException.class);
        Integer status = msal == null ? null : msal.statusCode();
        String requestId = msal == null ? null : Optional.ofNullable(first(msal.headers(), "x-ms-request-id"))
                .orElse(msal.correlationId());
        boolean unavailable = status != null && (status >= 500 || status == 429 || status == 408);
        if (unavailable || (msal == null && hasIoCause(e))) {
            Optional<Duration> retryAfter = Optional.ofNullable(msal == null ? null
                    : first(msal.headers(), "Retry-After")).flatMap(AzureFailures::seconds);
            return JobFailure.transientFailure(problem(UNAVAILABLE, "Entra ID could not answer", 503,
                    "Entra ID could not answer while " + action + " (" + (status != null ? "HTTP " + status
                            : ioKind(e)) + "); the password is tried again", FailureClass.TRANSIENT, requestId),
                    retryAfter.orElse(null), null);
        }
        String code = null;
        for (Throwable t : Causes.chain(e)) {
            Matcher aadsts = t.getMessage() == null ? null : AADSTS.matcher(t.getMessage());
            if (aadsts != null && aadsts.find()) {
                code = aadsts.group(1);
                break;
            }
        }
        if (msal == null && code == null) {
            log.warn("Unexpected failure from the Azure SDK while {}: {}", action, e.getClass().getName());
            return JobFailure.permanent(problem(REQUEST_FAILED, "Signing in to Entra ID failed", 502,
                    "An unexpected error stopped " + action + "; the service log names its kind",
                    FailureClass.PERMANENT, null), null);
        }
        String named = code == null ? "HTTP " + status : code;
        return JobFailure.permanent(problem(EntraDirectory.PASSWORD_REJECTED,
                "Entra ID refused the password", 422, "Entra ID refused to sign in as application " + appId
                        + " in tenant " + tenantId + " with the password given (" + named + ": " + meaning(code)
                        + "). Nothing was granted or written with it; give the principal's current client secret "
                        + "(its value, not its secret id)", FailureClass.PERMANENT, requestId), null);
    }

    /** What the AADSTS codes a client-credentials sign-in meets mean, in PullBridge's own words. */
    private static String meaning(String code) {
        if (code == null) {
            return "the sign-in was refused";
        }
        return switch (code) {
            case "AADSTS7000215" -> "the password is not a client secret of this application";
            case "AADSTS7000222" -> "the password has expired";
            case "AADSTS700016" -> "the application is not found in the tenant";
            case "AADSTS90002" -> "the tenant is not found in the configured cloud";
            case "AADSTS7000112" -> "the application is disabled";
            case "AADSTS700024", "AADSTS7000218" -> "the request carried no usable client secret";
            default -> "the sign-in was refused";
        };
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Throwable credentialFailure(Throwable e) {
        return Causes.chain(e).stream()
                .filter(t -> t instanceof ClientAuthenticationException || t instanceof MsalException)
                .findFirst().orElse(null);
    }

    static boolean hasIoCause(Throwable e) {
        return Causes.any(e, IOException.class, UncheckedIOException.class, TimeoutException.class);
    }

    private static String ioKind(Throwable e) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException
                    || t instanceof TimeoutException) {
                return "timed out";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof SSLException) {
                return "TLS failed: is the endpoint's certificate trusted by the JVM trust store?";
            }
        }
        return "I/O error";
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        return Causes.find(e, type).orElse(null);
    }

    static String requestId(HttpHeaders headers, Api api) {
        if (headers == null) {
            return null;
        }
        String id = api == Api.GRAPH ? headers.getValue("request-id") : headers.getValue("x-ms-request-id");
        if (id == null) {
            id = headers.getValue(api == Api.GRAPH ? "x-ms-request-id" : "request-id");
        }
        return id;
    }

    /** Azure's requested wait: {@code retry-after-ms}, {@code x-ms-retry-after-ms}, or {@code Retry-After}. */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        for (String name : List.of("retry-after-ms", "x-ms-retry-after-ms")) {
            String millis = headers.getValue(name);
            if (millis != null) {
                try {
                    return Optional.of(Duration.ofMillis(Math.max(0, Long.parseLong(millis.strip()))));
                } catch (NumberFormatException ignored) {
                    // fall through to Retry-After
                }
            }
        }
        String value = headers.getValue("Retry-After");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
        } catch (NumberFormatException notSeconds) {
            try {
                OffsetDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toOffsetDateTime();
                Duration wait = Duration.between(OffsetDateTime.now(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (var entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null
                    && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }

    /** Azure's words on one line, masked, then cut to a length. */
    private static String shorten(String message, SecretMask secrets) {
        String single = secrets.apply(message.replaceAll("\\s+", " ").strip());
        return single.length() <= MAX_MESSAGE ? single : single.substring(0, MAX_MESSAGE) + "...";
    }

    private static JobProblem problem(String slug, String title, int status, String detail, FailureClass failureClass,
                                      String requestId) {
        return JobProblem.of(slug, title, status, detail, failureClass).withRemoteRequestId(requestId);
    }

    static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
