package dev.privatelink.forwarder;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The Netty transport: native epoll where the platform has it (fewer copies and syscalls, and
 * edge-triggered readiness), NIO elsewhere. Event loop groups and channel types must come from
 * the same transport.
 */
public record Transport(
        String name,
        GroupFactory groupFactory,
        Class<? extends ServerSocketChannel> serverChannelType,
        Class<? extends SocketChannel> socketChannelType,
        Class<? extends DatagramChannel> datagramChannelType) {

    @FunctionalInterface
    public interface GroupFactory {
        EventLoopGroup create(int threads, ThreadFactory threadFactory);
    }

    public static Transport best() {
        return Epoll.isAvailable() ? epoll() : nio();
    }

    public static Transport epoll() {
        return new Transport(
                "epoll",
                EpollEventLoopGroup::new,
                EpollServerSocketChannel.class,
                EpollSocketChannel.class,
                EpollDatagramChannel.class);
    }

    public static Transport nio() {
        return new Transport(
                "nio",
                NioEventLoopGroup::new,
                NioServerSocketChannel.class,
                NioSocketChannel.class,
                NioDatagramChannel.class);
    }

    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return groupFactory.create(threads, threadFactory);
    }
}
