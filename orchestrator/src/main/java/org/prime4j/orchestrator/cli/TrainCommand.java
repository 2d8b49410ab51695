package org.prime4j.orchestrator.cli;

import picocli.CommandLine.Command;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Run PRIME reinforcement learning from a config file.")
final class TrainCommand extends PendingCommand {}
