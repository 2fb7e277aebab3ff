package dev.privatelink.peering;

import dev.privatelink.forwarder.Transport;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import dev.privatelink.peering.PeeringWire.EnrolAnswer;
import dev.privatelink.peering.PeeringWire.EnrolRequest;
import dev.privatelink.peering.PeeringWire.Request;
import dev.privatelink.peering.PeeringWire.Response;
import dev.privatelink.pki.ChainVerifier;
import dev.privatelink.pki.Credential;
import dev.privatelink.pki.LocalTrust;
import dev.privatelink.pki.MutualTls;
import dev.privatelink.pki.SpiffeId;
import dev.privatelink.pki.SpiffeTrustManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jboss.logging.Logger;

/**
 * The operator's peering port, which the gateway passes connections with the server name {@link
 * PeeringWire#SERVER_NAME} through to. TLS 1.3, presenting this cluster's operator certificate with
 * its root appended (so that an enrolling peer can check the invite's pin). A client certificate is
 * optional at the TLS level (an enrolling peer has none yet: its one-time code authenticates it)
 * and checked against the enrolled peers' roots when present; {@code sync} requires one, of an
 * enrolled peer's operator ({@link Handler#sync}).
 */
public final class PeeringServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PeeringServer.class);
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** What the server does with a request; called off the event loop. */
    public interface Handler {
        EnrolAnswer enrol(EnrolRequest request) throws PeeringRefused;

        /** @param caller the verified identity of the client certificate, empty when there was none */
        Answer sync(Optional<SpiffeId> caller, Snapshot snapshot) throws PeeringException;

        /** The roots of an enrolled peer's trust domain; empty for any other. */
        Collection<X509Certificate> rootsOf(String trustDomain);
    }

    private final LocalTrust trust;
    private final Handler handler;
    private final EventLoopGroup group;
    private final ExecutorService workers;
    private final SpiffeTrustManager clients;
    private final Channel server;
    private Credential presented;
    private SslContext context;

    public PeeringServer(String bindAddress, int port, LocalTrust trust, Clock clock, Handler handler) {
        this.trust = trust;
        this.handler = handler;
        this.clients = SpiffeTrustManager.peers(handler::rootsOf, clock);
        Transport transport = Transport.best();
        this.group = transport.newGroup(1, new DefaultThreadFactory("peering", true));
        this.workers = Executors.newFixedThreadPool(2, new DefaultThreadFactory("peering-requests", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        SslHandler tls = currentContext().newHandler(channel.alloc());
                        tls.setHandshakeTimeout(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        channel.pipeline()
                                .addLast(tls)
                                .addLast(new ReadTimeoutHandler(READ_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                                .addLast(new LengthFieldBasedFrameDecoder(PeeringWire.MAX_MESSAGE + 4, 0, 4, 0, 4))
                                .addLast(new LengthFieldPrepender(4))
                                .addLast(new RequestHandler());
                    }
                });
        try {
            this.server = bootstrap.bind(bindAddress, port).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            throw new IllegalStateException("interrupted while binding", e);
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
        LOG.infof("peering server listening on %s", server.localAddress());
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        shutdown();
    }

    private void shutdown() {
        workers.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A context for the current operator credential; rebuilt when the holder has rotated it. */
    private synchronized SslContext currentContext() {
        Credential credential = trust.credentialFor(SpiffeId.operator(trust.trustDomain()));
        if (credential != presented) {
            List<X509Certificate> chain = new ArrayList<>(credential.chain());
            chain.add(rootOf(chain.get(chain.size() - 1)));
            try {
                context = SslContextBuilder.forServer(credential.key(), chain.toArray(new X509Certificate[0]))
                        .sslProvider(MutualTls.provider())
                        .protocols(MutualTls.TLS_1_3)
                        .clientAuth(ClientAuth.OPTIONAL)
                        .trustManager(clients)
                        .build();
            } catch (SSLException e) {
                throw new IllegalStateException("could not build the peering server's TLS context", e);
            }
            presented = credential;
        }
        return context;
    }

    /** The root that issued {@code top}, which the chain then carries for the enrolling peer's pin check. */
    private X509Certificate rootOf(X509Certificate top) {
        return trust.roots().stream()
                .filter(root -> root.getSubjectX500Principal().equals(top.getIssuerX500Principal()))
                .findFirst()
                .orElse(trust.roots().get(0));
    }

    Response handle(byte[] json, Optional<SpiffeId> caller) throws PeeringException {
        Request request;
        try {
            request = PeeringWire.decode(json, Request.class);
        } catch (Exception e) {
            return Response.refused(Refusal.InvalidRequest, "not a peering request");
        }
        try {
            if (Request.ENROL.equals(request.type()) && request.enrol() != null) {
                return Response.enrolled(handler.enrol(request.enrol()));
            }
            if (Request.SYNC.equals(request.type()) && request.snapshot() != null) {
                return Response.synced(handler.sync(caller, request.snapshot()));
            }
            return Response.refused(Refusal.InvalidRequest, "unknown request type " + request.type());
        } catch (PeeringRefused refused) {
            return Response.refused(refused.reason(), refused.getMessage());
        }
    }

    /** One request per connection: read it, answer off the event loop, close. */
    private final class RequestHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private boolean answered;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (answered) {
                return;
            }
            answered = true;
            ctx.channel().config().setAutoRead(false);
            byte[] json = ByteBufUtil.getBytes(frame);
            Optional<SpiffeId> caller = caller(ctx.channel());
            workers.execute(() -> {
                try {
                    byte[] response = PeeringWire.encode(handle(json, caller));
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(ChannelFutureListener.CLOSE);
                } catch (Exception e) {
                    LOG.warnf("peering request failed: %s", e.toString());
                    ctx.close();
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debugf("peering connection from %s failed: %s", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }

        private Optional<SpiffeId> caller(Channel channel) {
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            try {
                Certificate[] chain = tls.engine().getSession().getPeerCertificates();
                return chain.length == 0 ? Optional.empty() : ChainVerifier.identity((X509Certificate) chain[0]);
            } catch (SSLPeerUnverifiedException e) {
                return Optional.empty();
            }
        }
    }
}
