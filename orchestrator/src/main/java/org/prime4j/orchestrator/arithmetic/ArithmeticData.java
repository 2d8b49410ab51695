package org.prime4j.orchestrator.arithmetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The demo's data, generated from a seed: a held-out split drawn first, then training items that never repeat
 * a held-out expression. Same seed and sizes, same files, byte for byte. Lines follow the RL data layout
 * ({@code prompt}, {@code ability: math}, {@code reward_model.ground_truth}, {@code data_source}) plus
 * {@code response}, the worked answer that {@code prime4j sft} trains on.
 */
public final class ArithmeticData {

    public static final String DATA_SOURCE = "prime4j-arithmetic";
    public static final String TRAIN = "train.jsonl";
    public static final String HELD_OUT = "heldout.jsonl";
    public static final String SFT = "sft.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ArithmeticData() {}

    /** Disjoint splits: {@code heldOut} items, then one list per further size, all from one RNG. */
    public static List<List<ArithmeticProblem>> splits(long seed, int heldOut, int... sizes) {
        Random rng = new Random(seed);
        Set<String> seen = new HashSet<>();
        List<List<ArithmeticProblem>> out = new ArrayList<>();
        List<ArithmeticProblem> held = new ArrayList<>(heldOut);
        while (held.size() < heldOut) {
            ArithmeticProblem p = ArithmeticProblem.random(rng);
            if (seen.add(p.expression())) {
                held.add(p);
            }
        }
        out.add(held);
        Set<String> heldSet = Set.copyOf(seen);
        for (int size : sizes) {
            List<ArithmeticProblem> split = new ArrayList<>(size);
            while (split.size() < size) {
                ArithmeticProblem p = ArithmeticProblem.random(rng);
                if (!heldSet.contains(p.expression())) {
                    split.add(p); // repeats within a training split are fine: it is a stream of examples
                }
            }
            out.add(split);
        }
        return out;
    }

    /** One JSONL line. */
    public static String line(ArithmeticProblem p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("prompt", p.prompt());
        o.put("response", p.workedAnswer());
        o.put("ability", "math");
        o.putObject("reward_model").put("style", "rule").put("ground_truth", Integer.toString(p.answer()));
        o.put("data_source", DATA_SOURCE);
        return o.toString();
    }

    public static void write(Path file, List<ArithmeticProblem> items) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ArithmeticProblem p : items) {
                w.write(line(p));
                w.write('\n');
            }
        }
    }

    /** Writes heldout.jsonl, train.jsonl (RL prompts) and sft.jsonl (SFT pairs) into {@code dir}. */
    public static void writeAll(Path dir, long seed, int heldOut, int train, int sft) throws IOException {
        List<List<ArithmeticProblem>> s = splits(seed, heldOut, train, sft);
        write(dir.resolve(HELD_OUT), s.get(0));
        write(dir.resolve(TRAIN), s.get(1));
        write(dir.resolve(SFT), s.get(2));
    }
}
