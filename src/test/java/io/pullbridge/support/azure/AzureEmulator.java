package io.pullbridge.support.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Azure for tests and the local sandbox: Entra ID's token endpoint, Microsoft Graph and Azure Resource Manager on one
 * HTTPS port of 127.0.0.1, stateful, answering with the shapes of Azure's published examples and the requests
 * {@code azure-resourcemanager} 2.57.0 sends (see {@code shared/reference}). Requests are told apart by path:
 * {@code /{tenant}/oauth2/v2.0/token} (and MSAL's discovery documents) for Entra, {@code /v1.0/...} for Graph,
 * everything else for ARM.
 * <p>
 * It enforces what Azure enforces, so that adapters meet the errors they will meet in production: a bearer token it
 * issued on every ARM and Graph call (and the right client secret to get one), {@code api-version} on every ARM call,
 * unknown resources as 404 in ARM's or Graph's error shape, one role assignment per principal, role and scope
 * ({@code 409 RoleAssignmentExists}), {@code PrincipalNotFound} while a new principal "replicates"
 * ({@link #principalPropagationDelay}), {@code 403 AuthorizationFailed} for callers denied an action
 * ({@link #denyRoleAssignmentWrite}), the subscription's role assignment limit. Tests can also make the next calls
 * fail ({@link #throttleNext}, {@link #failNext}) and read every request received ({@link #requests()}).
 * <p>
 * Trust: its certificate is generated once per JVM and trusted through the standard JVM trust store
 * ({@link #trustEmulatorCertificate()}); the test JVM does it before any test through {@link AzureEmulatorTrust}.
 * <p>
 * Point the Azure SDK at it with {@link #authorityHost()}, {@link #armEndpoint()} and {@link #graphEndpoint()}, the
 * tenant {@link #tenantId()} and a client registered with {@link #registerClient}.
 */
public final class AzureEmulator implements AutoCloseable {

    /** The tenant an emulator serves unless told otherwise. */
    public static final String DEFAULT_TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private static volatile AzureEmulator shared;

    private final HttpsServer server;
    private final ExecutorService executor;
    private final String baseUrl;
    private final Directory directory;
    private final EntraEndpoint entra;
    private final GraphEndpoint graph;
    private final ArmEndpoint arm;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private volatile Clock clock = Clock.systemUTC();

    private AzureEmulator(String tenantId) {
        trustEmulatorCertificate();
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Azure emulator", e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(EmulatorTls.instance().serverContext()));
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "azure-emulator-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        baseUrl = "https://127.0.0.1:" + server.getAddress().getPort() + "/";
        directory = new Directory(tenantId, () -> clock);
        entra = new EntraEndpoint(directory, baseUrl);
        graph = new GraphEndpoint(directory, baseUrl);
        arm = new ArmEndpoint(directory);
        server.start();
    }

    /** Starts an emulator for {@link #DEFAULT_TENANT_ID} on a free port. Close it when done. */
    public static AzureEmulator start() {
        return start(DEFAULT_TENANT_ID);
    }

    /** Starts an emulator for the tenant on a free port. Close it when done. */
    public static AzureEmulator start(String tenantId) {
        return new AzureEmulator(tenantId);
    }

    /**
     * One emulator for the whole JVM, started on first use and never closed (its threads are daemons): for Spring
     * test contexts, which are cached across test classes and so need endpoints that stay the same. Tests sharing it
     * should {@link #reset()} it (or seed names of their own).
     */
    public static AzureEmulator shared() {
        AzureEmulator current = shared;
        if (current == null) {
            synchronized (AzureEmulator.class) {
                current = shared;
                if (current == null) {
                    current = start();
                    shared = current;
                }
            }
        }
        return current;
    }

    /**
     * Makes this JVM trust the emulator's certificate through the standard trust store properties
     * ({@code javax.net.ssl.trustStore}, {@code trustStorePassword}, {@code trustStoreType}), keeping the JDK's own
     * trusted authorities. Must run before anything in the JVM uses TLS (the JDK reads the properties once): the test
     * JVM does it from a JUnit launcher session listener, the local sandbox as the first line of its main method.
     * Idempotent; returns the trust store written.
     */
    public static Path trustEmulatorCertificate() {
        return EmulatorTls.trustInThisJvm();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- endpoints

    /** Azure Resource Manager's base URL, e.g. {@code https://127.0.0.1:40123/}. */
    public String armEndpoint() {
        return baseUrl;
    }

    /** Microsoft Graph's base URL (calls go to {@code <graphEndpoint>v1.0/...}). */
    public String graphEndpoint() {
        return baseUrl;
    }

    /** The Entra ID authority host (tokens from {@code <authorityHost><tenant>/oauth2/v2.0/token}). */
    public String authorityHost() {
        return baseUrl;
    }

    public String tenantId() {
        return directory.tenantId();
    }

    /**
     * Serves another tenant too: its token endpoint ({@code /<tenant>/oauth2/v2.0/token}) signs the emulator's clients
     * in to it, with that {@code tid}, as Entra does for a multi-tenant application. Cleared by {@link #reset()}.
     */
    public AzureEmulator addTenant(String tenantId) {
        directory.addTenant(tenantId);
        return this;
    }

    /**
     * The settings that point PullBridge at this emulator (design.md section 7): a custom cloud with its ARM, Graph and
     * authority URLs, and its tenant.
     */
    public Map<String, String> pullBridgeProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("pullbridge.azure.cloud", "custom");
        properties.put("pullbridge.azure.endpoints.resource-manager", armEndpoint());
        properties.put("pullbridge.azure.endpoints.graph", graphEndpoint());
        properties.put("pullbridge.azure.endpoints.authority-host", authorityHost());
        properties.put("pullbridge.azure.tenant-id", tenantId());
        return properties;
    }

    // ---- state

    /** Forgets everything: directory, resources, rules, faults and recorded requests. Endpoints stay the same. */
    public AzureEmulator reset() {
        synchronized (this) {
            faults.clear();
            requests.clear();
        }
        directory.clear();
        graph.clear();
        arm.clear();
        clock = Clock.systemUTC();
        return this;
    }

    /**
     * Like {@link #reset()}, but the access tokens issued so far stay valid: for the shared emulator behind a Spring
     * context, whose credential caches its token across tests and would otherwise be refused with 401.
     */
    public AzureEmulator resetKeepingTokens() {
        synchronized (this) {
            faults.clear();
            requests.clear();
        }
        directory.clear(true);
        graph.clear();
        arm.clear();
        clock = Clock.systemUTC();
        return this;
    }

    /** The clock the emulator tells time by (token and password expiry, replication); the system clock by default. */
    public AzureEmulator clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    // ---- directory (Entra ID and Graph)

    /**
     * Registers a client that may sign in with this secret (an application with that appId, its service principal
     * and a password), as the identity PullBridge runs under. Returns its service principal.
     */
    public GraphServicePrincipal registerClient(String clientId, String clientSecret) {
        synchronized (directory) {
            GraphApplication application = directory.createApplication("pullbridge-" + clientId, clientId);
            Instant now = directory.now();
            application.mutablePasswords().add(new PasswordCredential(UUID.randomUUID().toString(), "seeded",
                    clientSecret, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))));
            GraphServicePrincipal servicePrincipal = directory.createServicePrincipal(application, null);
            servicePrincipal.visibleToArmAt(now);
            return servicePrincipal;
        }
    }

    /** Lets a client sign in with a client assertion (workload identity); the assertion itself is not verified. */
    public AzureEmulator allowFederatedClient(String clientId) {
        directory.allowFederatedClient(clientId);
        return this;
    }

    /**
     * Adds an application and its service principal, as if made just now in Graph: ARM sees the principal only after
     * {@link #principalPropagationDelay}. Returns the service principal.
     */
    public GraphServicePrincipal addServicePrincipal(String displayName) {
        synchronized (directory) {
            return directory.createServicePrincipal(directory.createApplication(displayName, null), null);
        }
    }

    /**
     * Adds an application with this appId and its service principal with this object id (fixed ids, for the
     * sandbox's walkthrough), as {@link #addServicePrincipal(String)} does.
     */
    public GraphServicePrincipal addServicePrincipal(String displayName, String appId, String objectId) {
        synchronized (directory) {
            return directory.createServicePrincipal(directory.createApplication(displayName, appId), null, objectId);
        }
    }

    /** Adds a password to a service principal, as Graph's {@code addPassword} would; returns it with its secret. */
    public PasswordCredential addPassword(GraphServicePrincipal servicePrincipal, Instant endDateTime) {
        synchronized (directory) {
            PasswordCredential password = directory.newPassword("seeded", null, endDateTime);
            servicePrincipal.mutablePasswords().add(password);
            return password;
        }
    }

    /**
     * Adds a password with a known secret to the principal's application (to its service principal when it has no
     * application), as someone who made it in the portal would have: for fixtures that must sign in with a given
     * secret, like the sandbox's walkthrough.
     */
    public PasswordCredential addPassword(GraphServicePrincipal servicePrincipal, String secret, Instant endDateTime) {
        synchronized (directory) {
            Instant now = directory.now();
            // An expired one (an end in the past) was made a year before it expired.
            Instant start = endDateTime.isAfter(now) ? now.minus(Duration.ofMinutes(5))
                    : endDateTime.minus(Duration.ofDays(365));
            PasswordCredential password = new PasswordCredential(UUID.randomUUID().toString(), "seeded", secret,
                    start, endDateTime);
            directory.applicationByAppId(servicePrincipal.appId())
                    .map(GraphApplication::mutablePasswords)
                    .orElseGet(servicePrincipal::mutablePasswords)
                    .add(password);
            return password;
        }
    }

    /** Adds a user or group that role assignments may name ({@code User}, {@code Group}, {@code ForeignGroup}). */
    public AzureEmulator addPrincipal(String objectId, String principalType) {
        directory.addOtherPrincipal(objectId, principalType);
        return this;
    }

    /**
     * How long after a service principal is created ARM still answers {@code PrincipalNotFound} for it (Entra's
     * replication delay). Zero by default; applies to principals created from now on.
     */
    public AzureEmulator principalPropagationDelay(Duration delay) {
        directory.propagationDelay(delay);
        return this;
    }

    /** Ends the replication delay of every principal made so far: ARM sees them all from now on. */
    public AzureEmulator completePropagation() {
        directory.completePropagation();
        return this;
    }

    public List<GraphApplication> applications() {
        return directory.applications();
    }

    public Optional<GraphApplication> applicationByAppId(String appId) {
        return directory.applicationByAppId(appId);
    }

    public List<GraphServicePrincipal> servicePrincipals() {
        return directory.servicePrincipals();
    }

    public Optional<GraphServicePrincipal> servicePrincipal(String objectId) {
        return directory.servicePrincipal(objectId);
    }

    public Optional<GraphServicePrincipal> servicePrincipalByAppId(String appId) {
        return directory.servicePrincipalByAppId(appId);
    }

    /** The access tokens issued so far, and to which client and scope. */
    public List<IssuedToken> issuedTokens() {
        return directory.issuedTokens();
    }

    /** Graph refuses this client's writes ({@code 403 Authorization_RequestDenied}): a caller without Graph rights. */
    public AzureEmulator denyGraphWrites(String clientId) {
        graph.denyWrites(clientId);
        return this;
    }

    // ---- resource manager

    /** Makes a subscription exist (resources seeded into one make it exist too). */
    public AzureEmulator addSubscription(String subscriptionId) {
        arm.addSubscription(subscriptionId);
        return this;
    }

    public AzureEmulator addResourceGroup(String subscriptionId, String resourceGroup) {
        arm.addResourceGroup(subscriptionId, resourceGroup);
        return this;
    }

    /** Adds a container registry (Standard, westeurope, legacy registry permissions until told otherwise). */
    public EmulatedRegistry addRegistry(String subscriptionId, String resourceGroup, String name) {
        return arm.addRegistry(subscriptionId, resourceGroup, name);
    }

    public Optional<EmulatedRegistry> registry(String resourceId) {
        return arm.registry(resourceId);
    }

    public AzureEmulator removeRegistry(String resourceId) {
        arm.removeRegistry(resourceId);
        return this;
    }

    /** Adds an AKS cluster with a managed kubelet identity (see {@link EmulatedManagedCluster} to change it). */
    public EmulatedManagedCluster addManagedCluster(String subscriptionId, String resourceGroup, String name) {
        return arm.addManagedCluster(subscriptionId, resourceGroup, name);
    }

    public Optional<EmulatedManagedCluster> managedCluster(String resourceId) {
        return arm.managedCluster(resourceId);
    }

    public EmulatedConnectedCluster addConnectedCluster(String subscriptionId, String resourceGroup, String name) {
        return arm.addConnectedCluster(subscriptionId, resourceGroup, name);
    }

    /** Adds a role assignment as if someone else had made it (e.g. to be adopted on 409). */
    public RoleAssignment addRoleAssignment(String scope, String name, String roleDefinitionGuid, String principalId,
                                            String principalType) {
        return arm.addRoleAssignment(scope, name, roleDefinitionGuid, principalId, principalType);
    }

    /** Every role assignment ARM holds now. */
    /** The ABAC condition of a role assignment, or empty when it has none. */
    public Optional<String> roleAssignmentCondition(String roleAssignmentId) {
        return arm.condition(roleAssignmentId);
    }

    public List<RoleAssignment> roleAssignments() {
        return arm.roleAssignments();
    }

    /** The role assignments naming a principal. */
    public List<RoleAssignment> roleAssignmentsOf(String principalId) {
        return arm.roleAssignments().stream().filter(a -> a.principalId().equalsIgnoreCase(principalId)).toList();
    }

    /** Removes a role assignment behind PullBridge's back (drift). */
    public AzureEmulator removeRoleAssignment(String roleAssignmentId) {
        arm.removeRoleAssignment(roleAssignmentId);
        return this;
    }

    /** The caller lacks {@code Microsoft.Authorization/roleAssignments/write} at the scope and below it. */
    public AzureEmulator denyRoleAssignmentWrite(String clientId, String scope) {
        return denyAction(clientId, "Microsoft.Authorization/roleAssignments/write", scope);
    }

    /**
     * The caller ({@code *}: every caller) lacks an ARM action ({@code *}: every action) at the scope and below it:
     * ARM answers {@code 403 AuthorizationFailed}. Actions are named as in Azure RBAC, e.g.
     * {@code Microsoft.ContainerRegistry/registries/read} or
     * {@code Microsoft.ContainerService/managedClusters/listClusterUserCredential/action}.
     */
    public AzureEmulator denyAction(String clientId, String action, String scope) {
        arm.deny(clientId, action, scope);
        return this;
    }

    /**
     * Limits a caller to these ARM actions, as a custom role assigned to it would: a request whose route needs another
     * action ({@link ArmActions}) is answered {@code 403 AuthorizationFailed}. Kept across {@link #reset()}: it
     * describes the client, like its registration. Callers never limited may do everything.
     */
    public AzureEmulator grantOnly(String clientId, Set<String> actions) {
        arm.grantOnly(clientId, actions);
        return this;
    }

    /**
     * Registers PullBridge's own client ({@link #registerClient}) limited to the committed custom role
     * {@code deploy/azure/pullbridge-role.json} ({@link PullBridgeRole}): every ARM call an adapter makes in a test
     * must be one that role allows, or the test meets the 403 a real subscription would answer.
     */
    public GraphServicePrincipal registerPullBridge(String clientId, String clientSecret) {
        grantOnly(clientId, PullBridgeRole.actions());
        return registerClient(clientId, clientSecret);
    }

    /** The ARM actions served to a caller since the last reset (each route's action, {@link ArmActions}). */
    public Set<String> armActionsServed(String clientId) {
        return arm.servedActions(clientId);
    }

    /** The ARM actions refused to a caller for want of a grant ({@link #grantOnly}) since the last reset. */
    public Set<String> armActionsRefused(String clientId) {
        return arm.refusedActions(clientId);
    }

    /** How many role assignments a subscription may hold (4000 by default, as Azure). */
    public AzureEmulator roleAssignmentLimit(int limit) {
        arm.roleAssignmentLimit(limit);
        return this;
    }

    /** Whether a role assignment must name a principal the directory knows (true by default, as Azure). */
    public AzureEmulator requireKnownPrincipals(boolean require) {
        arm.requireKnownPrincipals(require);
        return this;
    }

    /**
     * Azure documents that setting {@code principalType} lets a role assignment skip the directory lookup that fails
     * while a new principal replicates. Off by default, so that the {@code PrincipalNotFound} path can be tested.
     */
    public AzureEmulator principalTypeSkipsReplicationCheck(boolean skips) {
        arm.principalTypeSkipsReplicationCheck(skips);
        return this;
    }

    // ---- connected registries and Arc extensions

    /** A connected registry, by resource id. */
    /** A user-assigned identity, made by PullBridge or by {@link #addUserAssignedIdentity}. */
    public Optional<EmulatedIdentity> userAssignedIdentity(String resourceId) {
        return arm.identities().identity(resourceId);
    }

    public List<EmulatedIdentity> userAssignedIdentities() {
        return arm.identities().identities();
    }

    /** An identity someone else made, which a binding may name by resource id. */
    public EmulatedIdentity addUserAssignedIdentity(String subscriptionId, String resourceGroup,
                                                                    String name) {
        return arm.identities().create(subscriptionId, resourceGroup, name, "westeurope");
    }

    /** Drift: someone deleted a federated credential. */
    public AzureEmulator removeFederatedCredential(String identityResourceId, String name) {
        arm.identities().removeCredential(identityResourceId, name);
        return this;
    }

    /**
     * How long Entra takes to apply a federated-credential change on one identity: another write to that identity's
     * credentials within it answers {@code 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity}.
     */
    public AzureEmulator federatedCredentialWriteTime(Duration duration) {
        arm.identities().credentialWriteTime(duration);
        return this;
    }

    public int federatedCredentialWrites() {
        return arm.identities().credentialWrites();
    }

    public Optional<EmulatedConnectedRegistry> connectedRegistry(String resourceId) {
        return arm.connected().connectedRegistry(resourceId);
    }

    /** Every connected registry ARM holds now. */
    public List<EmulatedConnectedRegistry> connectedRegistries() {
        return arm.connected().connectedRegistries();
    }

    /** An Arc extension, by id ({@code <connected cluster>/providers/Microsoft.KubernetesConfiguration/...}). */
    public Optional<EmulatedExtension> extension(String resourceId) {
        return arm.connected().extension(resourceId);
    }

    /**
     * How many GETs an extension answers {@code Creating}, {@code Updating} or {@code Deleting} before its operation
     * completes (only reads made while its cluster is {@code Connected} count). 1 by default; applies to operations
     * started from now on.
     */
    public AzureEmulator extensionProvisioningReads(int reads) {
        arm.connected().provisioningReads(reads);
        return this;
    }

    /**
     * The next extension created or updated ends {@code Failed}, with this {@code errorInfo} and an {@code Error}
     * status. {@code {connectionString}} in the message stands for the connection string the extension was given in
     * its protected settings: Helm output about a failed install can quote the chart's values.
     */
    public AzureEmulator failNextExtension(String errorCode, String message) {
        arm.connected().failNextExtension(errorCode, message);
        return this;
    }

    /**
     * Deletes an extension behind PullBridge's back (drift), at once; the connected registry it ran goes
     * {@code Offline}.
     */
    public AzureEmulator removeExtension(String resourceId) {
        arm.connected().removeExtension(resourceId);
        return this;
    }

    /**
     * Deletes a registry token behind PullBridge's back (drift), with its passwords; ACR's own rule that a connected
     * registry's sync token cannot go before it is not applied here.
     */
    public AzureEmulator removeToken(String registryResourceId, String tokenName) {
        EmulatedRegistry registry = registry(registryResourceId).orElseThrow();
        synchronized (registry) {
            registry.tokenMap().remove(tokenName.toLowerCase(java.util.Locale.ROOT));
        }
        return this;
    }

    // ---- failure injection

    /**
     * The next {@code times} requests whose method matches ({@code *} for any) and whose decoded path contains a
     * match of {@code pathPattern} (a case-insensitive regular expression) are answered {@code 429} with
     * {@code Retry-After} in whole seconds, in the shape of the API they reach.
     */
    public AzureEmulator throttleNext(int times, String method, String pathPattern, Duration retryAfter) {
        synchronized (this) {
            faults.add(new Fault(method, Pattern.compile(pathPattern, Pattern.CASE_INSENSITIVE), times, 429,
                    "TooManyRequests", "The request is being throttled as the limit has been reached for operation "
                    + "type. For more information, see - https://aka.ms/srpthrottlinglimits", retryAfter));
        }
        return this;
    }

    /** The next {@code times} matching requests (see {@link #throttleNext}) are answered with this status and code. */
    public AzureEmulator failNext(int times, String method, String pathPattern, int status, String code,
                                  String message) {
        synchronized (this) {
            faults.add(new Fault(method, Pattern.compile(pathPattern, Pattern.CASE_INSENSITIVE), times, status, code,
                    message, null));
        }
        return this;
    }

    /**
     * As {@link #failNext(int, String, String, int, String, String)}, with a message made when the fault is answered:
     * one that quotes a secret the caller holds by then (a password Graph or ACR generated a moment before), as a
     * service that echoes what it knows may.
     */
    public AzureEmulator failNext(int times, String method, String pathPattern, int status, String code,
                                  java.util.function.Supplier<String> message) {
        synchronized (this) {
            faults.add(new Fault(method, Pattern.compile(pathPattern, Pattern.CASE_INSENSITIVE), times, status, code,
                    null, null, false, message));
        }
        return this;
    }

    /**
     * The next {@code times} matching requests (see {@link #throttleNext}) that succeed are carried out, and then
     * answered {@code 500} as if the answer had been lost on its way back: what the call made exists, and the caller
     * never learnt of it. Stands for a caller that dies between Azure acting and recording what it did.
     */
    public AzureEmulator loseNextAnswer(int times, String method, String pathPattern) {
        synchronized (this) {
            faults.add(new Fault(method, Pattern.compile(pathPattern, Pattern.CASE_INSENSITIVE), times, 500,
                    "InternalServerError", "The answer was lost on its way back (Azure emulator).", null, true));
        }
        return this;
    }

    /** Forgets every injected failure and lost answer still pending. */
    public synchronized AzureEmulator clearFaults() {
        faults.clear();
        return this;
    }

    // ---- recording

    /** Every request received since the start or the last {@link #clearRequests()}, in order. */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests to one API. */
    public List<RecordedRequest> requests(RecordedRequest.Surface surface) {
        return requests().stream().filter(r -> r.surface() == surface).toList();
    }

    /** {@link RecordedRequest#line()} of every ARM and Graph request, for exact assertions. */
    public List<String> callLines() {
        return requests().stream().filter(r -> r.surface() != RecordedRequest.Surface.TOKEN)
                .map(RecordedRequest::line).toList();
    }

    public synchronized AzureEmulator clearRequests() {
        requests.clear();
        return this;
    }

    // ---- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Instant time = clock.instant();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // The raw request target: URI.toString() gives back the string the server parsed, "//" and all.
            Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), body);
            RecordedRequest.Surface surface = EntraEndpoint.serves(call.path()) ? RecordedRequest.Surface.TOKEN
                    : GraphEndpoint.serves(call.path()) ? RecordedRequest.Surface.GRAPH : RecordedRequest.Surface.ARM;
            String clientId = null;
            Reply reply;
            try {
                if (surface == RecordedRequest.Surface.TOKEN) {
                    clientId = EntraEndpoint.clientIdOf(call);
                    reply = injectedFault(call, surface);
                    if (reply == null) {
                        reply = entra.handle(call);
                    }
                } else {
                    IssuedToken caller = bearer(call).orElse(null);
                    clientId = caller == null ? null : caller.clientId();
                    reply = injectedFault(call, surface);
                    if (reply == null) {
                        reply = caller == null ? unauthenticated(call, surface)
                                : surface == RecordedRequest.Surface.GRAPH ? graph.handle(call, caller)
                                : arm.handle(call, caller);
                        if (caller != null && reply.status() < 400) {
                            Reply lost = injectedFault(call, surface, true);
                            reply = lost != null ? lost : reply;
                        }
                    }
                }
            } catch (Json.BadJson e) {
                reply = surface == RecordedRequest.Surface.GRAPH ? GraphEndpoint.error(400, "BadRequest",
                        e.getMessage()) : Reply.armError(400, "InvalidRequestContent", e.getMessage());
            } catch (RuntimeException e) {
                e.printStackTrace();
                reply = Reply.armError(500, "InternalServerError", "The Azure emulator failed: " + e);
            }
            record(new RecordedRequest(time, surface, call.method(), call.rawPath(), call.path(), call.decodedQuery(),
                    call.query(), redact(surface, body), clientId, reply.status()));
            write(exchange, call, surface, reply);
        }
    }

    private Optional<IssuedToken> bearer(Call call) {
        String authorization = call.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        // A token for an AKS API server is not one for ARM or Graph (another audience).
        return directory.token(authorization.substring(7).trim())
                .filter(token -> token.expiresAt().isAfter(clock.instant()))
                .filter(token -> !EmulatedManagedCluster.isAksScope(token.scope()));
    }

    private Reply unauthenticated(Call call, RecordedRequest.Surface surface) {
        String authorization = call.header("Authorization");
        if (surface == RecordedRequest.Surface.GRAPH) {
            return GraphEndpoint.error(401, "InvalidAuthenticationToken", authorization == null
                    ? "Access token is empty." : "Access token validation failure. Invalid audience.");
        }
        Reply reply = authorization == null
                ? Reply.armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is "
                        + "missing.")
                : Reply.armError(401, "InvalidAuthenticationToken", "The access token is invalid.");
        return reply.header("WWW-Authenticate", "Bearer authorization_uri=\"" + authorityHost() + tenantId()
                + "\", error=\"invalid_token\", error_description=\"The access token is missing or invalid.\"");
    }

    private synchronized Reply injectedFault(Call call, RecordedRequest.Surface surface) {
        return injectedFault(call, surface, false);
    }

    private synchronized Reply injectedFault(Call call, RecordedRequest.Surface surface, boolean afterHandling) {
        for (Fault fault : faults) {
            if (fault.afterHandling() == afterHandling && fault.remaining() > 0 && fault.matches(call)) {
                fault.use();
                Reply reply = switch (surface) {
                    case TOKEN -> EntraEndpoint.error(fault.status(), fault.code(), 50196, fault.message());
                    case GRAPH -> GraphEndpoint.error(fault.status(), fault.code(), fault.message());
                    case ARM -> Reply.armError(fault.status(), fault.code(), fault.message());
                };
                if (fault.retryAfter() != null) {
                    reply.header("Retry-After", Long.toString(fault.retryAfter().toSeconds()));
                }
                return reply;
            }
        }
        faults.removeIf(fault -> fault.remaining() <= 0);
        return null;
    }

    private synchronized void record(RecordedRequest request) {
        requests.add(request);
    }

    private static String redact(RecordedRequest.Surface surface, String body) {
        if (surface != RecordedRequest.Surface.TOKEN) {
            return body;
        }
        return body.replaceAll("(^|&)(client_secret|client_assertion)=[^&]*", "$1$2=<redacted>");
    }

    private void write(HttpExchange exchange, Call call, RecordedRequest.Surface surface, Reply reply)
            throws IOException {
        String requestId = UUID.randomUUID().toString();
        var headers = exchange.getResponseHeaders();
        switch (surface) {
            case ARM -> {
                headers.set("x-ms-request-id", requestId);
                String correlation = call.header("x-ms-correlation-request-id");
                headers.set("x-ms-correlation-request-id", correlation != null ? correlation : requestId);
                headers.set("x-ms-routing-request-id", "EMULATOR:" + requestId);
            }
            case GRAPH -> {
                headers.set("request-id", requestId);
                String clientRequestId = call.header("client-request-id");
                headers.set("client-request-id", clientRequestId != null ? clientRequestId : requestId);
                addInnerError(reply, requestId, clientRequestId != null ? clientRequestId : requestId);
            }
            case TOKEN -> {
                headers.set("x-ms-request-id", requestId);
                // MSAL checks that Entra echoes its correlation id.
                String clientRequestId = call.header("client-request-id");
                if (clientRequestId != null) {
                    headers.set("client-request-id", clientRequestId);
                }
            }
        }
        headers.set("Cache-Control", "no-cache");
        reply.headers().forEach(headers::set);
        if (reply.body() == null) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        byte[] bytes = Json.write(reply.body()).getBytes(StandardCharsets.UTF_8);
        headers.set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @SuppressWarnings("unchecked")
    private void addInnerError(Reply reply, String requestId, String clientRequestId) {
        if (reply.body() instanceof Map<?, ?> body && body.get("error") instanceof Map<?, ?> error) {
            ((Map<String, Object>) error).put("innerError", Json.obj("date", clock.instant().toString(),
                    "request-id", requestId, "client-request-id", clientRequestId));
        }
    }

    /** A failure to inject: the next {@code remaining} matching calls answer it. */
    private static final class Fault {
        private final String method;
        private final Pattern path;
        private final int status;
        private final String code;
        private final String message;
        private final Duration retryAfter;
        private final boolean afterHandling;
        private final java.util.function.Supplier<String> messageSource;
        private int remaining;

        Fault(String method, Pattern path, int times, int status, String code, String message, Duration retryAfter) {
            this(method, path, times, status, code, message, retryAfter, false);
        }

        Fault(String method, Pattern path, int times, int status, String code, String message, Duration retryAfter,
              boolean afterHandling) {
            this(method, path, times, status, code, message, retryAfter, afterHandling, null);
        }

        Fault(String method, Pattern path, int times, int status, String code, String message, Duration retryAfter,
              boolean afterHandling, java.util.function.Supplier<String> messageSource) {
            this.messageSource = messageSource;
            this.method = method.toUpperCase(Locale.ROOT);
            this.path = path;
            this.remaining = times;
            this.status = status;
            this.code = code;
            this.message = message;
            this.retryAfter = retryAfter;
            this.afterHandling = afterHandling;
        }

        /** Whether the call is carried out first and only its answer replaced (a lost answer). */
        boolean afterHandling() {
            return afterHandling;
        }

        boolean matches(Call call) {
            return (method.equals("*") || method.equals(call.method())) && path.matcher(call.path()).find();
        }

        int remaining() {
            return remaining;
        }

        void use() {
            remaining--;
        }

        int status() {
            return status;
        }

        String code() {
            return code;
        }

        String message() {
            return messageSource != null ? messageSource.get() : message;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }
}
