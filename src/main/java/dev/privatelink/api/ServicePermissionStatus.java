package dev.privatelink.api;

public class ServicePermissionStatus extends ConditionedStatus {}
