package io.pullbridge.webhooks;

import io.pullbridge.jobs.JobResponse;
import io.pullbridge.jobs.JobService;
import io.pullbridge.web.PageQuery;
import io.pullbridge.web.PageResponse;
import io.pullbridge.web.RequestContext;
import io.pullbridge.web.Responses;
import io.pullbridge.web.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static io.pullbridge.web.ETags.of;

@RestController
@RequestMapping("/api/v1/webhook-subscriptions")
@Tag(name = "Webhooks", description = "CloudEvents signed as Standard Webhooks say, sent to an https URL when a job "
        + "ends, a binding's phase changes, a credential is rotated or nears its expiry, or a cluster becomes "
        + "unreachable. Admin only, reads included: a subscription says where PullBridge sends what happens in it.")
class WebhookSubscriptionController {

    // Events name every resource and job, and a subscription is a standing order to send them somewhere.
    static final String RULE = "webhook subscriptions are reserved to Admin (they send PullBridge's events to a URL)";

    private final WebhookSubscriptionService subscriptions;
    private final JobService jobs;

    WebhookSubscriptionController(WebhookSubscriptionService subscriptions, JobService jobs) {
        this.subscriptions = subscriptions;
        this.jobs = jobs;
    }

    @PostMapping
    @Operation(operationId = "createWebhookSubscription", summary = "Subscribe a URL to events (Admin)",
            description = "The URL must be https, on a host the host policy accepts (loopback, link-local and "
                    + "metadata addresses are refused unless pullbridge.clusters.allowed-hosts lets them through). "
                    + "The secret is write-only: the answer shows only its fingerprint.")
    @ApiResponse(responseCode = "201", description = "Subscribed")
    @ApiResponse(responseCode = "400", description = "Invalid fields, all of them listed in errors[]")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    ResponseEntity<WebhookSubscriptionResponse> create(@RequestBody CreateWebhookSubscriptionRequest request) {
        RequestContext.require(Role.ADMIN, RULE);
        WebhookSubscription subscription = subscriptions.create(request);
        return ResponseEntity.created(URI.create("/api/v1/webhook-subscriptions/" + subscription.getId()))
                .eTag(of(subscription.getVersion()))
                .body(WebhookSubscriptionResponse.of(subscription));
    }

    @GetMapping
    @Operation(operationId = "listWebhookSubscriptions", summary = "List webhook subscriptions (Admin)",
            description = "Oldest first, paged with limit and pageToken; secrets show only their fingerprint.")
    @ApiResponse(responseCode = "200", description = "One page of subscriptions, oldest first")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    PageResponse<WebhookSubscriptionResponse> list(@RequestParam(required = false) Integer limit,
                                                   @RequestParam(required = false) String pageToken) {
        RequestContext.require(Role.ADMIN, RULE);
        return subscriptions.list(PageQuery.of(limit, pageToken));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getWebhookSubscription", summary = "Read a webhook subscription (Admin)",
            description = "Its URL, event types and the fingerprint of its signing secret, never the secret; the "
                    + "ETag is for If-Match on PATCH and DELETE.")
    @ApiResponse(responseCode = "200", description = "The subscription")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    ResponseEntity<WebhookSubscriptionResponse> get(@PathVariable UUID id) {
        RequestContext.require(Role.ADMIN, RULE);
        WebhookSubscription subscription = subscriptions.get(id);
        return Responses.ok(subscription.getVersion(), WebhookSubscriptionResponse.of(subscription));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateWebhookSubscription", summary = "Change a webhook subscription (Admin)",
            description = "The fields given replace the current ones. A new secret signs every attempt from now "
                    + "on, retries of earlier events included.")
    @ApiResponse(responseCode = "200", description = "Changed")
    @ApiResponse(responseCode = "400", description = "Invalid fields, all of them listed in errors[]")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    ResponseEntity<WebhookSubscriptionResponse> update(@PathVariable UUID id,
                                                       @RequestBody UpdateWebhookSubscriptionRequest request,
                                                       @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                       String ifMatch) {
        RequestContext.require(Role.ADMIN, RULE);
        WebhookSubscription subscription = subscriptions.update(id, request, ifMatch);
        return Responses.ok(subscription.getVersion(), WebhookSubscriptionResponse.of(subscription));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteWebhookSubscription", summary = "Remove a webhook subscription (Admin)",
            description = "Its deliveries go with it; those still queued are not sent.")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    ResponseEntity<Void> delete(@PathVariable UUID id,
                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        RequestContext.require(Role.ADMIN, RULE);
        subscriptions.delete(id, ifMatch);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/deliveries")
    @Operation(operationId = "listWebhookDeliveries", summary = "A subscription's deliveries, newest first (Admin)",
            description = "Each event sent to the subscription: its state (pending, delivered, failed), attempts, "
                    + "the last answer's status code and when it was sent.")
    @ApiResponse(responseCode = "200", description = "One page of deliveries, newest first")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    PageResponse<WebhookDeliveryResponse> deliveries(@PathVariable UUID id,
                                                     @RequestParam(required = false) Integer limit,
                                                     @RequestParam(required = false) String pageToken) {
        RequestContext.require(Role.ADMIN, RULE);
        return subscriptions.deliveries(id, PageQuery.of(limit, pageToken));
    }

    @PostMapping("/{id}/deliveries/{deliveryId}:redeliver")
    @Operation(operationId = "redeliverWebhookDelivery", summary = "Send a delivery again (Admin)",
            description = "A webhook.deliver job sends the same event with the same webhook-id, signed anew.")
    @ApiResponse(responseCode = "202", description = "Queued: the job is in the body and at Operation-Location")
    @ApiResponse(responseCode = "403", description = "The caller is not an Admin")
    @ApiResponse(responseCode = "404", description = "No such subscription, or no such delivery of it")
    ResponseEntity<JobResponse> redeliver(@PathVariable UUID id, @PathVariable UUID deliveryId) {
        RequestContext.require(Role.ADMIN, RULE);
        return jobs.accepted(subscriptions.redeliver(id, deliveryId));
    }
}
