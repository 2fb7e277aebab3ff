package dev.privatelink.peering;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.privatelink.peering.PeeringMessages.Answer;
import dev.privatelink.peering.PeeringMessages.Snapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The peering protocol on the wire, after TLS: one request and one response per connection, each a
 * 4-byte big-endian length and that many bytes of UTF-8 JSON, at most {@link #MAX_MESSAGE}. Then
 * the server closes. Simple to read in a capture, bounded, and nothing to multiplex.
 */
public final class PeeringWire {

    /** The TLS server name that makes a gateway pass the connection through to its operator. */
    public static final String SERVER_NAME = "peering.privatelink.invalid";

    public static final int MAX_MESSAGE = 4 * 1024 * 1024;

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private PeeringWire() {}

    /** What a joining cluster says about itself, with the invite's code. */
    public record EnrolRequest(
            String code, String trustDomain, String clusterUid, String trustBundle, List<String> gatewayAddresses) {
        public EnrolRequest {
            gatewayAddresses = gatewayAddresses == null ? List.of() : List.copyOf(gatewayAddresses);
        }
    }

    /** What the inviting cluster answers about itself once it has enrolled the joiner. */
    public record EnrolAnswer(
            String trustDomain, String clusterUid, String trustBundle, List<String> gatewayAddresses) {
        public EnrolAnswer {
            gatewayAddresses = gatewayAddresses == null ? List.of() : List.copyOf(gatewayAddresses);
        }
    }

    /** {@code type} is {@code enrol} (with {@code enrol}) or {@code sync} (with {@code snapshot}). */
    public record Request(String type, EnrolRequest enrol, Snapshot snapshot) {
        public static final String ENROL = "enrol";
        public static final String SYNC = "sync";

        public static Request enrol(EnrolRequest enrol) {
            return new Request(ENROL, enrol, null);
        }

        public static Request sync(Snapshot snapshot) {
            return new Request(SYNC, null, snapshot);
        }
    }

    /** Either a refusal ({@code refusal} and {@code message}) or the answer to the request's type. */
    public record Response(Refusal refusal, String message, EnrolAnswer enrol, Answer answer) {
        public static Response refused(Refusal refusal, String message) {
            return new Response(refusal, message, null, null);
        }

        public static Response enrolled(EnrolAnswer enrol) {
            return new Response(null, null, enrol, null);
        }

        public static Response synced(Answer answer) {
            return new Response(null, null, null, answer);
        }
    }

    public static byte[] encode(Object message) throws IOException {
        byte[] json = JSON.writeValueAsBytes(message);
        if (json.length > MAX_MESSAGE) {
            throw new IOException("peering message of " + json.length + " bytes, over " + MAX_MESSAGE);
        }
        return json;
    }

    public static <T> T decode(byte[] json, Class<T> type) throws IOException {
        return JSON.readValue(json, type);
    }

    public static void write(OutputStream out, Object message) throws IOException {
        byte[] json = encode(message);
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(json.length);
        data.write(json);
        data.flush();
    }

    public static <T> T read(InputStream in, Class<T> type) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        if (length < 0 || length > MAX_MESSAGE) {
            throw new IOException("peering message length " + length + " out of bounds");
        }
        byte[] json = new byte[length];
        data.readFully(json);
        return decode(json, type);
    }
}
