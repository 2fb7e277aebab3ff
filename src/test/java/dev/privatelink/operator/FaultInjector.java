package dev.privatelink.operator;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fabric8's mock API server in CRUD mode with faults between one client (recognised by its
 * User-Agent) and the store. The mock server's own expectations match a method and an exact path
 * (query included) and replace the request; they cannot fail "every other write", lose the
 * response of a request the store did apply, or drop watches already open. Wrapping the mock's
 * dispatcher can, and stays small.
 *
 * <p>Faults are bounded: {@link #failWrites} fails every {@code every}-th write of the client until
 * {@code count} faults have been injected, then lets everything through.
 */
final class FaultInjector extends Dispatcher {

    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    private final Dispatcher store = new KubernetesMixedDispatcher(expectations);
    private final String userAgent;
    private final Set<WebSocket> watches = ConcurrentHashMap.newKeySet();
    private final AtomicInteger watchesOpened = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private Fault fault;
    private int faultBudget;
    private int every;
    private int writesSeen;

    /** What happens to a request that the injector fails. */
    sealed interface Fault {
        /** The API server refuses it: an HTTP error with a Kubernetes Status, and headers such as Retry-After. */
        record Refused(int code, String reason, String message, Map<String, String> headers) implements Fault {}

        /**
         * The API server applies it and answers after {@code delay}, when the client has given up
         * (the mock server delays only answers with a body; the writes failed here all have one).
         */
        record LostResponse(Duration delay) implements Fault {}
    }

    /** Faults for the requests that carry {@code userAgent}; the others always reach the store untouched. */
    FaultInjector(String userAgent) {
        this.userAgent = userAgent;
    }

    /** Starts a mock API server in CRUD mode that answers through this injector. */
    KubernetesMockServer startServer() {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(Serialization.jsonMapper()), new MockWebServer(), expectations, this, false);
        server.init();
        return server;
    }

    /** From now, every {@code every}-th write of the client (Events aside) fails, {@code count} times in all. */
    synchronized void failWrites(int count, int every, Fault how) {
        this.fault = how;
        this.faultBudget = count;
        this.every = every;
        this.writesSeen = 0;
    }

    /** How many faults were injected (write faults and dropped watches). */
    int injected() {
        return injected.get();
    }

    /** How many watches the client has opened since the server started. */
    int watchesOpened() {
        return watchesOpened.get();
    }

    /**
     * The server closes every watch the client has open, as an API server that goes away does.
     * With {@code gone}, each first gets an ERROR event with 410 Gone, as when the API server no
     * longer has the watch's resourceVersion: the client must list again. Returns how many it closed.
     */
    int dropWatches(boolean gone) {
        List<WebSocket> open = List.copyOf(watches);
        for (WebSocket watch : open) {
            if (gone) {
                Status expired = new StatusBuilder()
                        .withStatus("Failure")
                        .withCode(410)
                        .withReason("Expired")
                        .withMessage("too old resource version")
                        .build();
                watch.send(Serialization.asJson(new WatchEvent(expired, "ERROR")));
            }
            watch.close(1001, "the API server is going away");
            injected.incrementAndGet();
        }
        return open.size();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (!userAgent.equals(request.getHeader("User-Agent"))) {
            return store.dispatch(request);
        }
        if (isWatch(request)) {
            MockResponse response = store.dispatch(request);
            WebSocketListener listener = response.getWebSocketListener();
            return listener == null ? response : response.withWebSocketUpgrade(tracked(listener));
        }
        Fault now = takeFault(request);
        if (now instanceof Fault.Refused refused) {
            return refusal(refused);
        }
        MockResponse response = store.dispatch(request);
        return now instanceof Fault.LostResponse lost ? response.setBodyDelay(lost.delay()) : response;
    }

    private static MockResponse refusal(Fault.Refused refused) {
        Status status = new StatusBuilder()
                .withStatus("Failure")
                .withCode(refused.code())
                .withReason(refused.reason())
                .withMessage(refused.message())
                .build();
        MockResponse response = new MockResponse()
                .setResponseCode(refused.code())
                .setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(status));
        refused.headers().forEach(response::setHeader);
        return response;
    }

    private synchronized Fault takeFault(RecordedRequest request) {
        if (fault == null || faultBudget == 0 || !isWrite(request)) {
            return null;
        }
        if (++writesSeen % every != 0) {
            return null;
        }
        faultBudget--;
        injected.incrementAndGet();
        return fault;
    }

    private static boolean isWatch(RecordedRequest request) {
        String path = request.getPath();
        return path.contains("?") && path.substring(path.indexOf('?')).matches(".*[?&]watch=true(&.*)?");
    }

    /** Writes that matter to the operator's outcome: an Event it fails to record is only logged. */
    private static boolean isWrite(RecordedRequest request) {
        String method = request.getMethod();
        return !method.equals("GET")
                && !method.equals("HEAD")
                && !request.getPath().matches(".*/events(/.*)?(\\?.*)?");
    }

    /** The store's watch, with the server side of its connection kept so that it can be dropped. */
    private WebSocketListener tracked(WebSocketListener watch) {
        return new WebSocketListener() {
            @Override
            public void onBeforeAccept(WebSocket ws, Response response) {
                watch.onBeforeAccept(ws, response);
            }

            @Override
            public void onOpen(WebSocket ws, Response response) {
                watches.add(ws);
                watchesOpened.incrementAndGet();
                watch.onOpen(ws, response);
            }

            @Override
            public void onMessage(WebSocket ws, String text) {
                watch.onMessage(ws, text);
            }

            @Override
            public void onMessage(WebSocket ws, ByteString bytes) {
                watch.onMessage(ws, bytes);
            }

            @Override
            public void onMessage(WebSocket ws, byte[] bytes) {
                watch.onMessage(ws, bytes);
            }

            @Override
            public void onClosing(WebSocket ws, int code, String reason) {
                watch.onClosing(ws, code, reason);
            }

            @Override
            public void onClosed(WebSocket ws, int code, String reason) {
                watches.remove(ws);
                watch.onClosed(ws, code, reason);
            }

            @Override
            public void onFailure(WebSocket ws, Throwable t, Response response) {
                watches.remove(ws);
                watch.onFailure(ws, t, response);
            }
        };
    }
}
