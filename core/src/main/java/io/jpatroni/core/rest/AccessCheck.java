package io.jpatroni.core.rest;

import io.jpatroni.core.config.IpNetwork;
import io.jpatroni.core.config.RestAccessConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access check for protected endpoints (rest-api.md §2.2), first failure wins: the IP
 * allowlist (403), the client certificate when the HTTPS listener asks for one (403), Basic auth (401).
 */
final class AccessCheck {

    private static final Logger LOG = LoggerFactory.getLogger(AccessCheck.class);
    private static final long MEMBER_LOOKUP_TTL_NANOS = 30_000_000_000L;
    private static final int MAX_MEMBER_HOSTS = 256;
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Basic realm=\"Patroni\"");

    private final Optional<byte[]> expected;
    private final boolean allowlistActive;
    private final List<IpNetwork> allowed;
    private final boolean includeMembers;
    private final Supplier<List<String>> memberApiUrls;
    private final boolean clientCertificateRequired;
    private final Map<String, Lookup> memberLookups = new ConcurrentHashMap<>();
    private final Set<String> pendingLookups = ConcurrentHashMap.newKeySet();
    private ExecutorService lookupThread;

    /** @param basicAuth {@code username:password}, or empty when restapi.authentication is not configured */
    AccessCheck(Optional<String> basicAuth) {
        this(basicAuth, RestAccessConfig.OPEN, false, List::of);
    }

    /**
     * @param clientCertificateRequired the listener speaks HTTPS with verify_client optional or required
     * @param memberApiUrls             the members' api_url from the latest cluster view
     */
    AccessCheck(Optional<String> basicAuth, RestAccessConfig config, boolean clientCertificateRequired,
                Supplier<List<String>> memberApiUrls) {
        this.expected = basicAuth.map(a -> Base64.getEncoder().encodeToString(a.getBytes(StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII));
        // a written allowlist whose entries all fail to resolve still guards: it then lets nobody in
        this.allowlistActive = !config.allowlist().isEmpty() || config.allowlistIncludeMembers();
        this.allowed = resolve(config.allowlist());
        this.includeMembers = config.allowlistIncludeMembers();
        this.memberApiUrls = memberApiUrls;
        this.clientCertificateRequired = clientCertificateRequired;
    }

    /** The refusal to send, or empty when the request may proceed. */
    Optional<RestResponse> refuse(RestRequest request) {
        return refuse(request, false);
    }

    /** @param verifiedClientCertificate the TLS peer presented a certificate the listener verified */
    Optional<RestResponse> refuse(RestRequest request, boolean verifiedClientCertificate) {
        if (allowlistActive && !allowed(request.peer())) {
            return Optional.of(forbidden("Access is denied"));
        }
        if (clientCertificateRequired && !verifiedClientCertificate) {
            return Optional.of(forbidden("client certificate required"));
        }
        if (expected.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> header = request.header().apply("Authorization");
        if (header.isEmpty()) {
            return Optional.of(unauthorized("no auth header received"));
        }
        String value = header.get();
        byte[] given = value.startsWith("Basic ")
                ? value.substring("Basic ".length()).getBytes(StandardCharsets.US_ASCII) : new byte[0];
        if (!MessageDigest.isEqual(given, expected.get())) {
            return Optional.of(unauthorized("not authenticated"));
        }
        return Optional.empty();
    }

    private boolean allowed(String peer) {
        int scope = peer.indexOf('%'); // fe80::1%eth0: the zone does not take part in the comparison
        Optional<IpNetwork> literal = IpNetwork.parse(scope < 0 ? peer : peer.substring(0, scope));
        if (literal.isEmpty() || peer.contains("/")) {
            return false;
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(literal.get().address());
        } catch (UnknownHostException e) {
            return false;
        }
        if (allowed.stream().anyMatch(n -> n.contains(address))) {
            return true;
        }
        return includeMembers && memberNetworks().stream().anyMatch(n -> n.contains(address));
    }

    /**
     * The hosts of the members' api_url. The check runs on the IO thread, which must never wait for
     * DNS: IP literals count at once; host names count with the addresses of their last lookup,
     * which is renewed in the background when older than {@link #MEMBER_LOOKUP_TTL_NANOS} (the first
     * request naming a new host name is therefore refused; its retry a moment later is not).
     */
    private List<IpNetwork> memberNetworks() {
        List<IpNetwork> out = new ArrayList<>();
        for (String url : memberApiUrls.get()) {
            String host;
            try {
                host = URI.create(url).getHost();
            } catch (IllegalArgumentException e) {
                LOG.debug("Failed to parse url {}: {}", url, e.getMessage());
                continue;
            }
            if (host == null) {
                continue;
            }
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            Optional<IpNetwork> literal = bare.contains("/") ? Optional.empty() : IpNetwork.parse(bare);
            if (literal.isPresent()) {
                out.add(literal.get());
                continue;
            }
            Lookup last = memberLookups.get(bare);
            if (last == null || System.nanoTime() - last.atNanos() > MEMBER_LOOKUP_TTL_NANOS) {
                lookUpLater(bare);
            }
            if (last != null) {
                out.addAll(last.networks());
            }
        }
        return out;
    }

    private void lookUpLater(String host) {
        if (memberLookups.size() >= MAX_MEMBER_HOSTS && !memberLookups.containsKey(host)) {
            return; // a DCS listing thousands of host names gets no more lookups
        }
        if (!pendingLookups.add(host)) {
            return;
        }
        try {
            lookups().execute(() -> {
                try {
                    memberLookups.put(host, new Lookup(resolve(List.of(host)), System.nanoTime()));
                } finally {
                    pendingLookups.remove(host);
                }
            });
        } catch (RejectedExecutionException e) {
            pendingLookups.remove(host);
        }
    }

    private synchronized ExecutorService lookups() {
        if (lookupThread == null) {
            lookupThread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(64), r -> {
                        Thread t = new Thread(r, "rest-allowlist-dns");
                        t.setDaemon(true);
                        return t;
                    });
            ((ThreadPoolExecutor) lookupThread).allowCoreThreadTimeOut(true);
        }
        return lookupThread;
    }

    private record Lookup(List<IpNetwork> networks, long atNanos) {
    }

    /** Networks as they are, IPs and host names as every address they resolve to; failures are logged and skipped. */
    private static List<IpNetwork> resolve(List<String> entries) {
        List<IpNetwork> out = new ArrayList<>();
        for (String entry : entries) {
            Optional<IpNetwork> network = IpNetwork.parse(entry);
            if (network.isPresent()) {
                out.add(network.get());
                continue;
            }
            if (entry.contains("/")) {
                LOG.error("Invalid value \"{}\" in the allowlist: not a network", entry);
                continue;
            }
            try {
                for (InetAddress address : InetAddress.getAllByName(entry)) {
                    out.add(IpNetwork.host(address));
                }
            } catch (UnknownHostException e) {
                LOG.error("Failed to resolve {}: {}", entry, e.getMessage());
            }
        }
        return out;
    }

    private static RestResponse forbidden(String message) {
        return new RestResponse.Body(403, "text/html", message.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static RestResponse unauthorized(String message) {
        return new RestResponse.Body(401, "text/html", message.getBytes(StandardCharsets.UTF_8), CHALLENGE);
    }
}
