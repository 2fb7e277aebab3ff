package dev.privatelink.forwarder;

import dev.privatelink.forwarder.config.ForwarderConfig.Route;

/** A route as the forwarder serves it: the route, its upstreams ready to draw from, its meters. */
record RoutePlan(Route route, UpstreamOrder upstreams, EndpointMetrics metrics) {}
