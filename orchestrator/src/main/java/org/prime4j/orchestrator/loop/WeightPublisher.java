package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.prime4j.model.io.DType;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.orchestrator.client.RolloutClient;
import org.prime4j.orchestrator.client.protocol.ServerException;

/**
 * PRIME step 10: the policy as an HF checkpoint in {@code weights/step-N} (written atomically, with the
 * tokenizer files, so it is a complete model for vLLM and for {@code prime4j eval}), then a reload on every
 * policy server, acknowledged by all before the next step samples. Only the newest {@link #KEEP} published
 * directories are kept.
 */
public final class WeightPublisher {

    public static final int KEEP = 2;
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");

    private final Path weights;
    private final DType dtype;
    private final Path tokenizerSource;

    public WeightPublisher(Path weightsDir, DType dtype, Path tokenizerSource) {
        this.weights = weightsDir;
        this.dtype = dtype;
        this.tokenizerSource = tokenizerSource;
    }

    public Path publish(int step, CausalLM policy, RolloutClient servers) throws IOException, ServerException {
        Path dir = weights.resolve("step-" + step);
        HfCheckpoint.write(dir, policy.config(), policy.toHost(), dtype, 0, tokenizerSource);
        servers.reloadWeights(dir);
        prune();
        return dir;
    }

    private void prune() throws IOException {
        List<Path> published = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(weights)) {
            dirs.filter(d -> NAME.matcher(d.getFileName().toString()).matches()).forEach(published::add);
        }
        published.sort(Comparator.comparingInt(WeightPublisher::stepOf));
        for (int i = 0; i < published.size() - KEEP; i++) {
            deleteTree(published.get(i));
        }
    }

    private static int stepOf(Path d) {
        Matcher m = NAME.matcher(d.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(x);
            }
        }
    }
}
