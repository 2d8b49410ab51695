package org.prime4j.app.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.prime4j.app.bench.ClientBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j bench client}: parse throughput and per-request overhead of the rollout client. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Rollout client parse throughput and per-request overhead.")
final class BenchClientCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--reply-mb", defaultValue = "8", description = "Size of the generated log-prob reply (MB).")
    double replyMb;

    @Option(names = "--choices", defaultValue = "64", description = "Choices (samples) in the generated reply.")
    int choices;

    @Option(names = "--iterations", defaultValue = "15", description = "Measured parses of each kind.")
    int iterations;

    @Option(names = "--requests", defaultValue = "2000", description = "Measured loopback requests of each kind.")
    int requests;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!(replyMb > 0) || choices < 1 || iterations < 1 || requests < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reply-mb must be > 0 and --choices,"
                    + " --iterations, --requests >= 1; got " + replyMb + ", " + choices + ", " + iterations + ", "
                    + requests);
        }
        ClientBenchmark.ParseResult p = ClientBenchmark.parse((long) (replyMb * 1e6), choices, 5, iterations);
        out.println(String.format(Locale.ROOT, "Parse of a %.1f MB completions reply (%d choices, %,d tokens with"
                + " log-probs and top-1 alternatives), median of %d:", p.replyBytes() / 1e6, p.choices(), p.tokens(),
                iterations));
        out.println("| parser | ms | MB/s | tokens/s | MB allocated per parse |");
        out.println("|---|---:|---:|---:|---:|");
        for (ClientBenchmark.ParseFigures f : new ClientBenchmark.ParseFigures[] {p.streaming(), p.tree()}) {
            out.println(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %,.0f | %.1f |", f.name(), f.medianMs(),
                    f.mbPerSecond(), f.tokensPerSecond(), f.allocatedMbPerParse()));
        }
        out.println(String.format(Locale.ROOT, "streaming / tree speed: %.2fx", p.speedup()));
        out.println();
        ClientBenchmark.OverheadResult o = ClientBenchmark.overhead(Math.max(1, requests / 4), requests);
        out.println(String.format(Locale.ROOT, "Per-request time against a loopback server that answers instantly"
                + " (%d sequential requests each, %d-byte reply):", o.requests(), o.replyBytes()));
        out.println("| path | median us | mean us |");
        out.println("|---|---:|---:|");
        out.println(String.format(Locale.ROOT, "| bare OkHttp POST, body read, no parse (baseline) | %.0f | %.0f |",
                o.baselineMedianUs(), o.baselineMeanUs()));
        out.println(String.format(Locale.ROOT, "| RolloutClient.sample (pool, breaker, bulkhead, retry, parse, checks)"
                + " | %.0f | %.0f |", o.clientMedianUs(), o.clientMeanUs()));
        out.println(String.format(Locale.ROOT, "client-side overhead: %.0f us per request (median)",
                o.overheadMedianUs()));
        return 0;
    }
}
