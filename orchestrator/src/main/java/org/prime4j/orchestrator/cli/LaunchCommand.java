package org.prime4j.orchestrator.cli;

import picocli.CommandLine.Command;

@Command(name = "launch", mixinStandardHelpOptions = true, description = "Start vLLM servers from a config file and wait until they are healthy.")
final class LaunchCommand extends PendingCommand {}
