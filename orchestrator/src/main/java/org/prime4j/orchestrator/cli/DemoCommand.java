package org.prime4j.orchestrator.cli;

import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Train the arithmetic demo end to end on the embedded CPU server: SFT checkpoint, PRIME RL, held-out accuracy.")
final class DemoCommand extends PendingCommand {}
