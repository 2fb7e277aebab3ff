package dev.privatelink.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * IDs shaped like PrivateLink's, derived from an object's UID: the same object always has the
 * same ID, so a lost status never renames it, and a recreated object never reuses one.
 */
public final class Ids {
    private Ids() {}

    public static final String ENDPOINT_PREFIX = "vpce-";
    public static final String SERVICE_PREFIX = "vpce-svc-";
    private static final int HEX_DIGITS = 17;

    public static String endpointId(String uid) {
        return ENDPOINT_PREFIX + hex("endpoint:" + uid);
    }

    public static String serviceName(String uid) {
        return SERVICE_PREFIX + hex("service:" + uid);
    }

    /** A short, stable hash for names that must fit Kubernetes' length limits. */
    public static String shortHash(String value, int digits) {
        return sha256Hex(value).substring(0, digits);
    }

    private static String hex(String value) {
        return sha256Hex(value).substring(0, HEX_DIGITS);
    }

    private static String sha256Hex(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
