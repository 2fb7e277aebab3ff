package dev.privatelink.notify;

import dev.privatelink.api.Connection;
import dev.privatelink.api.ConnectionState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connection changes an owner is told of, from an EndpointService's connection list before
 * and after a reconcile: what AWS PrivateLink's connection notifications report. Pending (the
 * data plane catching up) counts as accepted, so its comings and goings notify nobody.
 */
public final class ConnectionNotices {
    private ConnectionNotices() {}

    /** The CloudEvents type prefix; the full type is {@code dev.privatelink.connection.<kind>}. */
    public static final String TYPE_PREFIX = "dev.privatelink.connection.";

    public enum Kind {
        CONNECT,
        ACCEPT,
        REJECT,
        SUSPEND,
        RESUME,
        TERMINATE,
        DELETE;

        /** The CloudEvents type: {@code dev.privatelink.connection.accepted} and so on. */
        public String type() {
            return TYPE_PREFIX
                    + switch (this) {
                        case CONNECT -> "connected";
                        case ACCEPT -> "accepted";
                        case REJECT -> "rejected";
                        case SUSPEND -> "suspended";
                        case RESUME -> "resumed";
                        case TERMINATE -> "terminated";
                        case DELETE -> "deleted";
                    };
        }
    }

    /** One change: what happened to which connection, and the state it is in now (null once deleted). */
    public record Notice(Kind kind, String endpointId, String consumer, ConnectionState state) {}

    private enum Phase {
        REQUESTED,
        ACCEPTED,
        REJECTED,
        SUSPENDED,
        TERMINATED
    }

    /**
     * @param listFull whether either list hit the status's cap, so that a connection missing
     *                 from one may just be unlisted: no Delete is inferred then
     */
    public static List<Notice> between(List<Connection> before, List<Connection> after, boolean listFull) {
        Map<String, Connection> was = byId(before);
        Map<String, Connection> now = byId(after);
        List<Notice> notices = new ArrayList<>();
        now.forEach((id, c) -> {
            Connection old = was.get(id);
            Phase from = old == null ? null : phase(old.getState());
            Phase to = phase(c.getState());
            if (to == null || from == to) {
                return;
            }
            if (old == null || to == Phase.REQUESTED) {
                notices.add(new Notice(Kind.CONNECT, id, c.getConsumer(), c.getState()));
            }
            Kind kind = switch (to) {
                case REQUESTED -> null;
                case ACCEPTED -> from == Phase.SUSPENDED ? Kind.RESUME : Kind.ACCEPT;
                case REJECTED -> Kind.REJECT;
                case SUSPENDED -> Kind.SUSPEND;
                case TERMINATED -> Kind.TERMINATE;
            };
            if (kind != null) {
                notices.add(new Notice(kind, id, c.getConsumer(), c.getState()));
            }
        });
        if (!listFull) {
            was.forEach((id, c) -> {
                if (!now.containsKey(id)) {
                    notices.add(new Notice(Kind.DELETE, id, c.getConsumer(), null));
                }
            });
        }
        return notices;
    }

    private static Phase phase(ConnectionState state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case PendingAcceptance -> Phase.REQUESTED;
            case Pending, Available -> Phase.ACCEPTED;
            case Rejected -> Phase.REJECTED;
            case Suspended -> Phase.SUSPENDED;
            case Terminated -> Phase.TERMINATED;
            default -> null;
        };
    }

    private static Map<String, Connection> byId(List<Connection> connections) {
        Map<String, Connection> map = new LinkedHashMap<>();
        if (connections != null) {
            connections.stream()
                    .filter(c -> c != null && c.getEndpointId() != null)
                    .forEach(c -> map.put(c.getEndpointId(), c));
        }
        return map;
    }
}
