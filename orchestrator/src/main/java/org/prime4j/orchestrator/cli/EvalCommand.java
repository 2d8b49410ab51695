package org.prime4j.orchestrator.cli;

import picocli.CommandLine.Command;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model on a benchmark (MATH-500, AIME 2024, AMC 2023, HumanEval).")
final class EvalCommand extends PendingCommand {}
