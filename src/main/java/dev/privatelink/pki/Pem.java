package dev.privatelink.pki;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM (RFC 7468) for what Secrets and ConfigMaps carry: certificate bundles ({@code CERTIFICATE}
 * blocks, in order) and EC private keys (PKCS#8, {@code PRIVATE KEY}), the forms OpenSSL, Netty and
 * Kubernetes' {@code kubernetes.io/tls} Secrets use.
 */
public final class Pem {

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";

    private Pem() {}

    public static String certificates(Collection<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                out.append(block(CERTIFICATE, certificate.getEncoded()));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return out.toString();
    }

    public static String privateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("not a PKCS#8 key: " + key.getFormat());
        }
        return block(PRIVATE_KEY, key.getEncoded());
    }

    /** The certificates in {@code pem}, in order; other blocks are refused, none at all is an error. */
    public static List<X509Certificate> parseCertificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, CERTIFICATE)) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate in the PEM text");
        }
        return certificates;
    }

    /** The one EC private key in {@code pem}. */
    public static PrivateKey parsePrivateKey(String pem) {
        List<byte[]> keys = blocks(pem, PRIVATE_KEY);
        if (keys.size() != 1) {
            throw new IllegalArgumentException("expected one PRIVATE KEY block, found " + keys.size());
        }
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an EC private key: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem == null ? "" : pem);
        while (m.find()) {
            if (!m.group(1).equals(type)) {
                throw new IllegalArgumentException("unexpected PEM block " + m.group(1) + ", expected " + type);
            }
            try {
                found.add(Base64.getMimeDecoder().decode(m.group(2)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad base64 in a " + type + " block", e);
            }
        }
        return found;
    }

    private static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
