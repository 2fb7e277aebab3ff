package dev.privatelink;

import dev.privatelink.forwarder.ForwarderCommand;
import dev.privatelink.gateway.GatewayCommand;
import dev.privatelink.operator.OperatorCommand;
import dev.privatelink.sandbox.SandboxCommand;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** One image, several roles: the role is the first argument. */
@TopCommand
@Command(
        name = "kube-privatelink",
        mixinStandardHelpOptions = true,
        description = "PrivateLink for Kubernetes.",
        subcommands = {OperatorCommand.class, ForwarderCommand.class, GatewayCommand.class, SandboxCommand.class})
public class Main {}
