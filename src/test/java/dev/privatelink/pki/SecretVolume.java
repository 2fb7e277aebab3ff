package dev.privatelink.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Secret volume as the kubelet writes it: each version in a directory of its own, {@code ..data}
 * a symlink to the current one (swapped atomically), and every key a symlink through {@code ..data}.
 */
public final class SecretVolume {

    private final Path dir;
    private int version;

    public SecretVolume(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The files a forwarder's gateway-client Secret holds. */
    public static Map<String, String> forwarderFiles(
            Credential credential, String peerTrustDomain, X509Certificate root) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(HeldCredentials.CHAIN, Pem.certificates(credential.chain()));
        files.put(HeldCredentials.KEY, Pem.privateKey(credential.key()));
        files.put(
                HeldCredentials.PEER_PREFIX + peerTrustDomain + HeldCredentials.PEER_SUFFIX,
                Pem.certificates(List.of(root)));
        return files;
    }

    /** Publishes a new version with these files, as one atomic swap. */
    public void publish(Map<String, String> files) {
        try {
            Path next = dir.resolve("..v" + (++version));
            Files.createDirectories(next);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(next.resolve(file.getKey()), file.getValue(), StandardCharsets.US_ASCII);
            }
            Path link = dir.resolve("..data_tmp");
            Files.createSymbolicLink(link, next.getFileName());
            Files.move(
                    link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String name : files.keySet()) {
                Path key = dir.resolve(name);
                if (!Files.isSymbolicLink(key)) {
                    Files.createSymbolicLink(key, Path.of("..data", name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
