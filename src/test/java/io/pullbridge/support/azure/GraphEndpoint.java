package io.pullbridge.support.azure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Graph v1.0, the part PullBridge uses: applications and service principals (create with tags, read, filter
 * by {@code displayName}, {@code appId}, {@code id} or a tag with {@code tags/any(t:t eq '...')}, update, delete) and
 * their passwords (listed in {@code passwordCredentials} without secrets, {@code addPassword} with a server-generated
 * secret, {@code removePassword}), both under the plain and the {@code microsoft.graph.} name.
 */
final class GraphEndpoint {

    private static final Pattern COLLECTION = Pattern.compile("^/v1\\.0/(applications|servicePrincipals)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ITEM = Pattern.compile(
            "^/v1\\.0/(applications|servicePrincipals)(?:/([^/(]+)|\\(appId='([^']*)'\\))"
                    + "(?:/(?:microsoft\\.graph\\.)?(addPassword|removePassword))?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILTER = Pattern.compile("^\\s*(displayName|appId|id)\\s+eq\\s+'((?:[^']|'')*)'\\s*$",
            Pattern.CASE_INSENSITIVE);
    // A lambda over a collection, as Graph spells it: tags/any(t:t eq 'value'), any variable name.
    private static final Pattern TAG_FILTER = Pattern.compile(
            "^\\s*tags/any\\(\\s*(\\w+)\\s*:\\s*(\\w+)\\s+eq\\s+'((?:[^']|'')*)'\\s*\\)\\s*$");

    private final Directory directory;
    private final String baseUrl;
    private final Set<String> writeDenied = ConcurrentHashMap.newKeySet();

    GraphEndpoint(Directory directory, String baseUrl) {
        this.directory = directory;
        this.baseUrl = baseUrl;
    }

    static boolean serves(String path) {
        return path.equalsIgnoreCase("/v1.0") || path.regionMatches(true, 0, "/v1.0/", 0, 6);
    }

    void denyWrites(String clientId) {
        writeDenied.add(clientId.toLowerCase(Locale.ROOT));
    }

    void clear() {
        writeDenied.clear();
    }

    Reply handle(Call call, IssuedToken caller) {
        boolean write = !"GET".equals(call.method());
        if (write && writeDenied.contains(caller.clientId().toLowerCase(Locale.ROOT))) {
            return error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        Matcher collection = COLLECTION.matcher(call.path());
        if (collection.matches()) {
            boolean applications = collection.group(1).equalsIgnoreCase("applications");
            return switch (call.method()) {
                case "GET" -> list(applications, call.query("$filter"));
                case "POST" -> applications ? createApplication(call) : createServicePrincipal(call);
                default -> methodNotAllowed(call);
            };
        }
        Matcher item = ITEM.matcher(call.path());
        if (item.matches()) {
            boolean applications = item.group(1).equalsIgnoreCase("applications");
            String objectId = item.group(2);
            String appId = item.group(3);
            String action = item.group(4);
            return applications ? application(call, objectId, appId, action)
                    : servicePrincipal(call, objectId, appId, action);
        }
        return error(400, "BadRequest", "Resource not found for the segment '"
                + call.path().substring(call.path().lastIndexOf('/') + 1) + "'.");
    }

    // ---- applications

    private Reply createApplication(Call call) {
        Map<String, Object> body = Json.object(call.body());
        String displayName = Json.string(body, "displayName");
        if (displayName == null || displayName.isBlank()) {
            return error(400, "Request_BadRequest", "Invalid value specified for property 'displayName' of resource "
                    + "'Application'.");
        }
        GraphApplication application = directory.createApplication(displayName, null);
        if (body.get("tags") instanceof List<?>) {
            application.tags(Json.strings(body, "tags"));
        }
        return Reply.json(201, withContext(application(application), "applications/$entity"))
                .header("Location", baseUrl + "v1.0/directoryObjects/" + application.id() + "/Microsoft.DirectoryServices.Application");
    }

    private Reply application(Call call, String objectId, String appId, String action) {
        Optional<GraphApplication> found = objectId != null ? directory.application(objectId)
                : directory.applicationByAppId(appId);
        if (found.isEmpty()) {
            return notFound(objectId != null ? objectId : "appId=" + appId);
        }
        GraphApplication application = found.get();
        if (action != null) {
            if (!"POST".equals(call.method())) {
                return methodNotAllowed(call);
            }
            return action.equalsIgnoreCase("addPassword") ? addPassword(call, application.mutablePasswords())
                    : removePassword(call, application.mutablePasswords());
        }
        return switch (call.method()) {
            case "GET" -> Reply.json(200, withContext(application(application), "applications/$entity"));
            case "PATCH" -> {
                Map<String, Object> body = Json.object(call.body());
                String displayName = Json.string(body, "displayName");
                if (displayName != null) {
                    application.displayName(displayName);
                }
                if (body.get("tags") instanceof List<?>) {
                    application.tags(Json.strings(body, "tags"));
                }
                yield Reply.empty(204);
            }
            case "DELETE" -> {
                directory.deleteApplication(application);
                yield Reply.empty(204);
            }
            default -> methodNotAllowed(call);
        };
    }

    // ---- service principals

    private Reply createServicePrincipal(Call call) {
        Map<String, Object> body = Json.object(call.body());
        String appId = Json.string(body, "appId");
        if (appId == null || appId.isBlank()) {
            return error(400, "Request_BadRequest", "Invalid value specified for property 'appId' of resource "
                    + "'ServicePrincipal'.");
        }
        Optional<GraphApplication> application = directory.applicationByAppId(appId);
        if (application.isEmpty()) {
            return error(400, "Request_BadRequest", "The appId '" + appId + "' of the service principal does not "
                    + "reference a valid application object.");
        }
        if (directory.servicePrincipalByAppId(appId).isPresent()) {
            return error(409, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be created, "
                    + "updated, or restored because the service principal name " + appId + " is already in use.");
        }
        GraphServicePrincipal servicePrincipal = directory.createServicePrincipal(application.get(),
                Json.string(body, "displayName"));
        Object accountEnabled = body.get("accountEnabled");
        if (accountEnabled instanceof Boolean enabled) {
            servicePrincipal.accountEnabled(enabled);
        }
        if (body.get("tags") instanceof List<?>) {
            servicePrincipal.tags(Json.strings(body, "tags"));
        }
        return Reply.json(201, withContext(servicePrincipal(servicePrincipal), "servicePrincipals/$entity"));
    }

    private Reply servicePrincipal(Call call, String objectId, String appId, String action) {
        Optional<GraphServicePrincipal> found = objectId != null ? directory.servicePrincipal(objectId)
                : directory.servicePrincipalByAppId(appId);
        if (found.isEmpty()) {
            return notFound(objectId != null ? objectId : "appId=" + appId);
        }
        GraphServicePrincipal servicePrincipal = found.get();
        if (action != null) {
            if (!"POST".equals(call.method())) {
                return methodNotAllowed(call);
            }
            return action.equalsIgnoreCase("addPassword") ? addPassword(call, servicePrincipal.mutablePasswords())
                    : removePassword(call, servicePrincipal.mutablePasswords());
        }
        return switch (call.method()) {
            case "GET" -> Reply.json(200, withContext(servicePrincipal(servicePrincipal), "servicePrincipals/$entity"));
            case "PATCH" -> {
                Map<String, Object> body = Json.object(call.body());
                if (Json.string(body, "displayName") != null) {
                    servicePrincipal.displayName(Json.string(body, "displayName"));
                }
                if (body.get("accountEnabled") instanceof Boolean enabled) {
                    servicePrincipal.accountEnabled(enabled);
                }
                if (body.get("tags") instanceof List<?>) {
                    servicePrincipal.tags(Json.strings(body, "tags"));
                }
                yield Reply.empty(204);
            }
            case "DELETE" -> {
                directory.deleteServicePrincipal(servicePrincipal);
                yield Reply.empty(204);
            }
            default -> methodNotAllowed(call);
        };
    }

    // ---- passwords

    private Reply addPassword(Call call, List<PasswordCredential> passwords) {
        Map<String, Object> body = Json.object(call.body());
        Map<String, Object> requested = Json.map(body, "passwordCredential");
        Instant start;
        Instant end;
        try {
            start = instant(Json.string(requested, "startDateTime"));
            end = instant(Json.string(requested, "endDateTime"));
        } catch (RuntimeException e) {
            return error(400, "Request_BadRequest", "Invalid value specified for property 'endDateTime' or "
                    + "'startDateTime' of resource 'PasswordCredential'.");
        }
        if (start != null && end != null && !end.isAfter(start)) {
            return error(400, "Request_BadRequest", "Key credential end date is invalid.");
        }
        PasswordCredential password = directory.newPassword(Json.string(requested, "displayName"), start, end);
        synchronized (directory) {
            passwords.add(password);
        }
        Map<String, Object> answer = password(password);
        answer.put("secretText", password.secretText());
        answer.put("@odata.context", baseUrl + "v1.0/$metadata#microsoft.graph.passwordCredential");
        return Reply.json(200, answer);
    }

    private Reply removePassword(Call call, List<PasswordCredential> passwords) {
        String keyId = Json.string(Json.object(call.body()), "keyId");
        synchronized (directory) {
            if (keyId == null || !passwords.removeIf(p -> p.keyId().equalsIgnoreCase(keyId))) {
                return error(400, "Request_BadRequest", "No password credential found with keyId '" + keyId + "'.");
            }
        }
        return Reply.empty(204);
    }

    // ---- lists

    private Reply list(boolean applications, String filter) {
        String property = null;
        String value = null;
        Matcher tagged = filter == null ? null : TAG_FILTER.matcher(filter);
        if (tagged != null && tagged.matches()) {
            if (!tagged.group(1).equals(tagged.group(2))) {
                return error(400, "BadRequest", "Could not find a property named '" + tagged.group(2) + "' on type "
                        + "'Edm.String'.");
            }
            property = "tags";
            value = tagged.group(3).replace("''", "'");
        } else if (filter != null) {
            Matcher matcher = FILTER.matcher(filter);
            if (!matcher.matches()) {
                return error(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified "
                        + "for the resource '" + (applications ? "Application" : "ServicePrincipal") + "'.");
            }
            property = matcher.group(1).toLowerCase(Locale.ROOT);
            value = matcher.group(2).replace("''", "'");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        if (applications) {
            for (GraphApplication application : directory.applications()) {
                if (property == null || (property.equals("tags") ? application.tags().contains(value)
                        : matches(property, value, application.id(), application.appId(), application.displayName()))) {
                    items.add(application(application));
                }
            }
        } else {
            for (GraphServicePrincipal servicePrincipal : directory.servicePrincipals()) {
                if (property == null || (property.equals("tags") ? servicePrincipal.tags().contains(value)
                        : matches(property, value, servicePrincipal.id(), servicePrincipal.appId(),
                        servicePrincipal.displayName()))) {
                    items.add(servicePrincipal(servicePrincipal));
                }
            }
        }
        return Reply.json(200, Json.obj("@odata.context", baseUrl + "v1.0/$metadata#"
                + (applications ? "applications" : "servicePrincipals"), "value", items));
    }

    private static boolean matches(String property, String value, String id, String appId, String displayName) {
        return switch (property) {
            case "id" -> id.equalsIgnoreCase(value);
            case "appid" -> appId.equalsIgnoreCase(value);
            // Graph compares display names without regard to case.
            default -> displayName != null && displayName.equalsIgnoreCase(value);
        };
    }

    // ---- shapes (microsoft.graph/v1.0 examples)

    private Map<String, Object> application(GraphApplication application) {
        List<Map<String, Object>> passwords;
        synchronized (directory) {
            passwords = application.mutablePasswords().stream().map(GraphEndpoint::password).toList();
        }
        return Json.obj(
                "id", application.id(),
                "deletedDateTime", null,
                "isFallbackPublicClient", null,
                "appId", application.appId(),
                "applicationTemplateId", null,
                "identifierUris", List.of(),
                "createdDateTime", application.createdDateTime().toString(),
                "displayName", application.displayName(),
                "isDeviceOnlyAuthSupported", null,
                "groupMembershipClaims", null,
                "optionalClaims", null,
                "addIns", List.of(),
                "publisherDomain", "emulator.onmicrosoft.com",
                "signInAudience", "AzureADMyOrg",
                "tags", application.tags(),
                "tokenEncryptionKeyId", null,
                "api", Json.obj("requestedAccessTokenVersion", null, "acceptMappedClaims", null,
                        "knownClientApplications", List.of(), "oauth2PermissionScopes", List.of(),
                        "preAuthorizedApplications", List.of()),
                "appRoles", List.of(),
                "publicClient", Json.obj("redirectUris", List.of()),
                "info", info(),
                "keyCredentials", List.of(),
                "parentalControlSettings", Json.obj("countriesBlockedForMinors", List.of(),
                        "legalAgeGroupRule", "Allow"),
                "passwordCredentials", passwords,
                "requiredResourceAccess", List.of(),
                "web", Json.obj("redirectUris", List.of(), "homePageUrl", null, "logoutUrl", null,
                        "implicitGrantSettings", Json.obj("enableIdTokenIssuance", false,
                                "enableAccessTokenIssuance", false)));
    }

    private Map<String, Object> servicePrincipal(GraphServicePrincipal servicePrincipal) {
        List<Map<String, Object>> passwords;
        synchronized (directory) {
            passwords = servicePrincipal.mutablePasswords().stream().map(GraphEndpoint::password).toList();
        }
        String appDisplayName = directory.applicationByAppId(servicePrincipal.appId())
                .map(GraphApplication::displayName).orElse(servicePrincipal.displayName());
        boolean managedIdentity = "ManagedIdentity".equals(servicePrincipal.servicePrincipalType());
        return Json.obj(
                "id", servicePrincipal.id(),
                "deletedDateTime", null,
                "accountEnabled", servicePrincipal.accountEnabled(),
                "appDisplayName", managedIdentity ? null : appDisplayName,
                "appId", servicePrincipal.appId(),
                "appOwnerOrganizationId", managedIdentity ? null : directory.tenantId(),
                "appRoleAssignmentRequired", false,
                "displayName", servicePrincipal.displayName(),
                "homepage", null,
                "logoutUrl", null,
                "publisherName", managedIdentity ? null : "Emulator",
                "replyUrls", List.of(),
                "servicePrincipalNames", List.of(servicePrincipal.appId()),
                "servicePrincipalType", servicePrincipal.servicePrincipalType(),
                "tags", servicePrincipal.tags(),
                "addIns", List.of(),
                "appRoles", List.of(),
                "info", info(),
                "keyCredentials", List.of(),
                "oauth2PermissionScopes", List.of(),
                "passwordCredentials", passwords);
    }

    private static Map<String, Object> password(PasswordCredential password) {
        return Json.obj(
                "customKeyIdentifier", null,
                "displayName", password.displayName(),
                "endDateTime", password.endDateTime().toString(),
                "hint", password.hint(),
                "keyId", password.keyId(),
                "secretText", null,
                "startDateTime", password.startDateTime().toString());
    }

    private static Map<String, Object> info() {
        return Json.obj("termsOfServiceUrl", null, "supportUrl", null, "privacyStatementUrl", null,
                "marketingUrl", null, "logoUrl", null);
    }

    private Map<String, Object> withContext(Map<String, Object> entity, String context) {
        Map<String, Object> answer = Json.obj("@odata.context", baseUrl + "v1.0/$metadata#" + context);
        answer.putAll(entity);
        return answer;
    }

    private static Instant instant(String value) {
        return value == null || value.isBlank() ? null : java.time.OffsetDateTime.parse(value).toInstant();
    }

    // ---- errors

    private static Reply notFound(String id) {
        return error(404, "Request_ResourceNotFound", "Resource '" + id + "' does not exist or one of its queried "
                + "reference-property objects are not present.");
    }

    private static Reply methodNotAllowed(Call call) {
        return error(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
    }

    /** Graph's error shape; the emulator adds {@code innerError} with the request ids when it answers. */
    static Reply error(int status, String code, String message) {
        return Reply.json(status, Map.of("error", Json.obj("code", code, "message", message)));
    }
}
