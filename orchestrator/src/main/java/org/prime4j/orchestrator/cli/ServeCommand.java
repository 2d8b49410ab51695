package org.prime4j.orchestrator.cli;

import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the embedded vLLM-compatible server on a model directory.")
final class ServeCommand extends PendingCommand {}
