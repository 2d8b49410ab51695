package org.prime4j.orchestrator.cli;

import picocli.CommandLine.Command;

@Command(name = "verify", mixinStandardHelpOptions = true, description = "Score responses with a verifier (math, code, or a plugin).")
final class VerifyCommand extends PendingCommand {}
