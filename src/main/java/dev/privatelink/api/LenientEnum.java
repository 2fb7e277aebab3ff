package dev.privatelink.api;

/**
 * Reads an enum value the way an operator must when its CRD or a stored object is newer than
 * itself: a value it does not know becomes null instead of an error that would make the whole
 * object (and with it the informer) unreadable. The reconcilers report such a null with a
 * reason a person can act on.
 */
final class LenientEnum {
    private LenientEnum() {}

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        return null;
    }
}
