package org.prime4j.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;
import org.prime4j.verifiers.VerifierRegistry;
import org.prime4j.verifiers.math.Explanation;
import org.prime4j.verifiers.math.MathVerifier;
import org.prime4j.verifiers.plugin.PluginException;
import org.prime4j.verifiers.runtime.JsonlScoring;
import org.prime4j.verifiers.runtime.VerificationPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prime4j verify}: one response from the command line, or a JSONL file of them. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Score responses with a verifier (math, code, or a plugin).",
            "One item:  prime4j verify --verifier math --response TEXT --ground-truth TEXT",
            "A file:    prime4j verify --input items.jsonl --output scored.jsonl",
            "Each input line holds response, ground_truth and verifier (or ability), plus any fields its "
                    + "verifier needs (test_cases, entry_point, test); it is written back with score and reason."
        })
final class VerifyCommand implements Callable<Integer> {

    static final int EXIT_BAD_INPUT = 2;
    private static final int PROGRESS_FROM_LINES = 50;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--verifier", paramLabel = "NAME",
            description = "The verifier for --response (default: math), and for file lines that name none.")
    String verifier;

    @Option(names = "--response", paramLabel = "TEXT", description = "A model response to score.")
    String response;

    @Option(names = "--ground-truth", paramLabel = "TEXT", description = "The reference answer for --response.")
    String groundTruth;

    @Option(names = "--extra", paramLabel = "JSON",
            description = "Extra fields for --response as a JSON object, e.g. '{\"entry_point\": \"f\", \"test\": \"...\"}'.")
    String extra;

    @Option(names = "--input", paramLabel = "FILE", description = "A JSONL file of items to score.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Where --input's scored lines go (default: stdout).")
    Path output;

    @Option(names = "--plugins", paramLabel = "DIR|JAR", split = ",",
            description = "Plugin jars, or directories whose jars are all loaded (repeatable).")
    List<Path> plugins = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Deadline per item (default: ${DEFAULT-VALUE}); an item past it scores 0 with reason timeout.")
    double timeoutSeconds;

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Items verified at once (default: the number of cores).")
    Integer parallelism;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    @Option(names = "--explain",
            description = "With --response (math verifier): also print the answers taken from the ground truth and the "
                    + "response, their normalized forms and the rule that decided.")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        boolean single = response != null || groundTruth != null;
        if (single == (input != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either --response and --ground-truth, or --input");
        }
        if (single && (response == null || groundTruth == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--response and --ground-truth go together");
        }
        if (explain && !single) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--explain goes with --response, not --input");
        }
        if (!(timeoutSeconds > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be positive, got " + timeoutSeconds);
        }
        int threads = parallelism == null ? Runtime.getRuntime().availableProcessors() : parallelism;
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism must be at least 1, got " + threads);
        }
        VerifierRegistry registry;
        try {
            registry = VerifierRegistry.withPlugins(plugins);
        } catch (PluginException e) {
            err.println("prime4j verify: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        Duration deadline = Duration.ofMillis(Math.max(1, Math.round(timeoutSeconds * 1000)));
        try (VerificationPool pool = new VerificationPool(threads, deadline)) {
            return single ? verifyOne(registry, pool) : verifyFile(registry, pool, threads);
        }
    }

    private int verifyOne(VerifierRegistry registry, VerificationPool pool) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Verifier v;
        ObjectNode fields;
        try {
            v = registry.get(verifier == null ? "math" : verifier);
            fields = extra == null ? null : (ObjectNode) new ObjectMapper().readTree(extra);
        } catch (IllegalArgumentException | IOException | ClassCastException e) {
            err.println("prime4j verify: " + (e instanceof ClassCastException ? "--extra must be a JSON object" : e.getMessage()));
            return EXIT_BAD_INPUT;
        }
        VerificationItem item = new VerificationItem(response, groundTruth, fields);
        if (explain) {
            if (!(v instanceof MathVerifier math)) {
                err.println("prime4j verify: --explain works with the math verifier, not '" + v.name() + "'");
                return EXIT_BAD_INPUT;
            }
            Explanation e = math.explain(item);
            out.printf(Locale.ROOT, "score: %s%nreason: %s%n", e.verification().score(), e.verification().reason());
            out.printf(Locale.ROOT, "gold answer:         %s%n", oneLine(e.gold()));
            out.printf(Locale.ROOT, "response answer:     %s%n", e.response().isEmpty() ? "(none found)" : oneLine(e.response()));
            out.printf(Locale.ROOT, "gold normalized:     %s%n", oneLine(e.goldNormalized()));
            out.printf(Locale.ROOT, "response normalized: %s%n", oneLine(e.responseNormalized()));
            out.printf(Locale.ROOT, "rule:                %s%n", e.rule());
            out.flush();
            return 0;
        }
        Verification r = pool.submit(v, item).join();
        out.printf(Locale.ROOT, "score: %s%nreason: %s%n", r.score(), r.reason());
        out.flush();
        return 0;
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private int verifyFile(VerifierRegistry registry, VerificationPool pool, int threads) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(input)) {
            err.println("prime4j verify: input file " + input + " does not exist");
            return EXIT_BAD_INPUT;
        }
        if (verifier != null && registry.find(verifier).isEmpty()) {
            err.println("prime4j verify: unknown verifier '" + verifier + "' (known: " + String.join(", ", registry.names()) + ")");
            return EXIT_BAD_INPUT;
        }
        long total;
        try (Stream<String> lines = Files.lines(input, StandardCharsets.UTF_8)) {
            total = lines.filter(l -> !l.isBlank()).count();
        }
        JsonlScoring scoring = new JsonlScoring(registry, pool, verifier, threads * 4);
        JsonlScoring.Summary summary;
        // Stdout carries only the scored JSONL: anything a verifier prints there (a plugin's chatter, a CAS
        // message) goes to stderr while scoring.
        PrintStream stdout = System.out;
        if (output == null) {
            System.setOut(System.err);
        }
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                Writer out = output == null
                        ? new NonClosing(new OutputStreamWriter(stdout, StandardCharsets.UTF_8))
                        : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
                ProgressBar bar = progressBar(total)) {
            summary = scoring.score(in, out, line -> err.println("prime4j verify: " + input + ": " + line),
                    bar == null ? () -> {} : bar::step);
        } catch (NoSuchFileException | AccessDeniedException e) {
            err.println("prime4j verify: " + CliErrors.describe(e));
            return EXIT_BAD_INPUT;
        } finally {
            System.setOut(stdout);
        }
        err.printf(Locale.ROOT, "prime4j verify: %d lines scored%s, mean score %.4f, %d errors, %d timeouts%n",
                summary.lines(), output == null ? "" : " into " + output, summary.meanScore(), summary.errors(),
                summary.timeouts());
        err.flush();
        return 0;
    }

    private ProgressBar progressBar(long total) {
        if (noProgress || total < PROGRESS_FROM_LINES) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("verify").setInitialMax(total)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    /** Stdout must stay open after the run. */
    private static final class NonClosing extends java.io.FilterWriter {
        NonClosing(Writer w) {
            super(w);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
