package org.prime4j.app.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.prime4j.app.bench.MemoryBench;
import org.prime4j.app.bench.UpdateMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench memory}: peak trainer memory of one PRIME update, full FP32 against LoRA over a 16-bit base. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Peak RSS of one PRIME update (PRM + policy step, 1 x 256 response tokens) per model shape,"
                + " full FP32 vs LoRA over one BF16 base, beside the predicted bytes; random weights, one child"
                + " process per measurement.")
final class BenchMemoryCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--shapes", split = ",",
            defaultValue = "qwen2.5-0.5b,qwen2.5-1.5b,qwen3-1.7b,qwen2.5-7b,qwen3-8b",
            description = "Model shapes, smallest first (default: ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Option(names = "--modes", split = ",", defaultValue = "full,lora",
            description = "full (policy and PRM in FP32 with AdamW) and/or lora (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--rank", defaultValue = "64", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--targets", split = ",",
            defaultValue = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
            description = "LoRA target modules, PEFT names (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(names = "--predict-only",
            description = "Print the predictions (formula of docs/design.md) without running anything.")
    boolean predictOnly;

    @Option(names = "--tokens", defaultValue = "288",
            description = "Tokens in the micro-batch for --predict-only (the measured runs use 32 + 256).")
    int tokens;

    @Override
    public Integer call() throws Exception {
        for (String s : shapes) {
            try {
                MemoryBench.shape(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--shapes: " + e.getMessage());
            }
        }
        for (String m : modes) {
            if (!m.equals("full") && !m.equals("lora")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--modes: unknown mode " + m
                        + " (full, lora)");
            }
        }
        for (String t : targets) {
            if (!UpdateMemory.ALL_LINEAR.contains(t)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--targets: unknown module " + t
                        + " (one of " + UpdateMemory.ALL_LINEAR + ")");
            }
        }
        if (rank <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rank must be > 0, got " + rank);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (predictOnly) {
            out.print(MemoryBench.predictions(shapes, rank, targets, tokens));
            out.flush();
            return 0;
        }
        List<MemoryBench.Row> rows = MemoryBench.run(shapes, modes, rank, targets, out);
        out.println();
        out.print(MemoryBench.table(rows, rank, targets));
        out.flush();
        return 0;
    }
}
