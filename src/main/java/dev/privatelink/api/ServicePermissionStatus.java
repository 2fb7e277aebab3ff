package dev.privatelink.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

// Fields added by a newer CRD must not make this object (and its informer) unreadable.
@JsonIgnoreProperties(ignoreUnknown = true)
public class ServicePermissionStatus extends ConditionedStatus {}
