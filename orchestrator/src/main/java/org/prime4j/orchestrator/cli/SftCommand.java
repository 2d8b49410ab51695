package org.prime4j.orchestrator.cli;

import picocli.CommandLine.Command;

@Command(name = "sft", mixinStandardHelpOptions = true, description = "Supervised fine-tuning of a policy from a JSONL of prompts and worked answers.")
final class SftCommand extends PendingCommand {}
