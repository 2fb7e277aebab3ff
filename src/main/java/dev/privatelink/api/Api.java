package dev.privatelink.api;

/** The API group, version and category of the project's resources. */
public final class Api {
    private Api() {}

    public static final String GROUP = "privatelink.dev";
    public static final String VERSION = "v1alpha1";
    public static final String CATEGORY = "privatelink";
}
