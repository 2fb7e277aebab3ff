package dev.privatelink.gateway;

import dev.privatelink.forwarder.ConnectionPhase.Side;
import dev.privatelink.forwarder.HostPort;
import dev.privatelink.forwarder.Relay;
import io.micrometer.core.instrument.Counter;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One peering connection passed through the gateway as raw bytes to the operator's peering port:
 * the TLS inside is the two operators', which the gateway neither terminates nor reads. The
 * exchange is one request and one answer, so a connection lives at most {@link #MAX_LIFETIME}.
 */
final class PeeringPassthrough implements Relay.Events {

    static final Duration MAX_LIFETIME = Duration.ofMinutes(2);

    private final Channel client;
    private final Relay clientRelay;
    private final Counter toUpstream;
    private final Counter toClient;
    private Channel upstream;
    private boolean closed;
    private int finsPassedOn;
    private ScheduledFuture<?> deadline;

    PeeringPassthrough(Channel client, Counter toUpstream, Counter toClient) {
        this.client = client;
        this.toUpstream = toUpstream;
        this.toClient = toClient;
        this.clientRelay = new Relay(Side.CLIENT, this, toUpstream);
    }

    /** The relay that takes the client's bytes, the ClientHello first. */
    Relay clientRelay() {
        return clientRelay;
    }

    void start(Bootstrap bootstrap, HostPort target) {
        deadline = client.eventLoop().schedule(() -> finish(true), MAX_LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
        bootstrap
                .clone(client.eventLoop())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new Relay(Side.UPSTREAM, PeeringPassthrough.this, toClient, client));
                    }
                })
                .connect(target.host(), target.port())
                .addListener((ChannelFuture connected) -> {
                    if (!connected.isSuccess() || closed) {
                        connected.channel().close();
                        finish(true);
                        return;
                    }
                    upstream = connected.channel();
                    clientRelay.connectTo(upstream);
                    upstream.read();
                });
    }

    @Override
    public void activity() {}

    @Override
    public void inputClosed(Side side) {
        Channel target = side == Side.CLIENT ? upstream : client;
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (!flushed.isSuccess()) {
                finish(true);
                return;
            }
            ((DuplexChannel) target).shutdownOutput().addListener((ChannelFuture shut) -> {
                if (!shut.isSuccess() || ++finsPassedOn == 2) {
                    finish(!shut.isSuccess());
                }
            });
        });
    }

    @Override
    public void failed(Side side, Throwable cause) {
        finish(true);
    }

    @Override
    public void channelClosed(Side side) {
        finish(false);
    }

    @Override
    public void clientProxyHeader() {}

    private void finish(boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (reset) {
            Gateway.reset(client);
            Gateway.reset(upstream);
        } else {
            closeAfterFlush(client);
            closeAfterFlush(upstream);
        }
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel == null) {
            return;
        }
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /** The options of a passed-through connection's upstream side, like the relay's elsewhere. */
    static Bootstrap bootstrap(Class<? extends Channel> channelType, Duration connectTimeout) {
        return new Bootstrap()
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
    }
}
