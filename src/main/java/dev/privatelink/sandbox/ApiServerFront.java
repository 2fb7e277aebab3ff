package dev.privatelink.sandbox;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The sandbox's API server as kubectl reaches it: the mock server's request handling for
 * everything, except a watch asked for as client-go asks (a GET with {@code watch=true} and no
 * WebSocket upgrade), which the mock server only serves over a WebSocket. Such a watch is
 * answered as kube-apiserver answers it: a chunked HTTP stream of watch events, one JSON object
 * a line, fed by the mock server's own watch (the same events the operator's informers get).
 */
final class ApiServerFront implements AutoCloseable {
    private static final Pattern WATCH = Pattern.compile("[?&]watch=(true|1)(&|$)");

    private final Vertx vertx = Vertx.vertx();
    private final Dispatcher dispatcher;
    private final HttpServer server;

    ApiServerFront(Dispatcher dispatcher, String host, int port) {
        this.dispatcher = dispatcher;
        HttpServerRequestHandler mock = new HttpServerRequestHandler(vertx) {
            @Override
            protected MockResponse onHttpRequest(RecordedRequest request) {
                return dispatcher.dispatch(request);
            }
        };
        server = vertx.createHttpServer(
                        new HttpServerOptions().setHost(host).setPort(port).setHandle100ContinueAutomatically(true))
                .requestHandler(request -> {
                    if (isStreamingWatch(request)) {
                        streamWatch(request);
                    } else {
                        mock.handle(request);
                    }
                });
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e, e);
        }
    }

    int port() {
        return server.actualPort();
    }

    static boolean isStreamingWatch(HttpServerRequest request) {
        return "GET".equals(request.method().name())
                && WATCH.matcher(request.uri()).find()
                && !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    private void streamWatch(HttpServerRequest request) {
        Headers.Builder headers = Headers.builder();
        request.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
        RecordedRequest recorded =
                new RecordedRequest("HTTP/1.1", HttpMethod.GET, request.uri(), headers.build(), new Buffer());
        MockResponse answer = dispatcher.dispatch(recorded);
        HttpServerResponse response = request.response();
        WebSocketListener listener = answer.getWebSocketListener();
        if (listener == null) {
            response.setStatusCode(answer.code());
            answer.getHeaders().toMultimap().forEach(response::putHeader);
            Buffer body = answer.getBody();
            response.end(body == null ? "" : body.readUtf8());
            return;
        }
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
        WebSocket stream = new WebSocket() {
            @Override
            public RecordedRequest request() {
                return recorded;
            }

            @Override
            public boolean send(String text) {
                if (response.closed() || response.ended()) {
                    return false;
                }
                response.write(text.endsWith("\n") ? text : text + "\n");
                return true;
            }

            @Override
            public boolean send(byte[] bytes) {
                return send(new String(bytes, StandardCharsets.UTF_8));
            }

            @Override
            public boolean send(ByteString bytes) {
                return send(bytes.utf8());
            }

            @Override
            public boolean close(int code, String reason) {
                if (!response.ended() && !response.closed()) {
                    response.end();
                }
                return true;
            }
        };
        response.closeHandler(v -> listener.onClosed(stream, 1000, "client went away"));
        response.write(""); // the status line and headers now: kubectl waits for them
        listener.onOpen(stream, answer);
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        vertx.close();
    }
}
