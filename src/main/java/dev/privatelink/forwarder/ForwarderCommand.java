package dev.privatelink.forwarder;

import picocli.CommandLine.Command;

/** The data plane role. */
@Command(name = "forwarder", mixinStandardHelpOptions = true, description = "Run a forwarder.")
public class ForwarderCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("the forwarder role is being built (issue 3)");
    }
}
