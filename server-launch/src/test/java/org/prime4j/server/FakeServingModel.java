package org.prime4j.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;
import org.prime4j.server.model.TopLogprobs;

/**
 * A deterministic stand-in for the DJL model: characters are tokens (id 0 is EOS, 1 is BOS, 2.. are ASCII
 * 32..126), the next-token logits are a fixed function of the last token, the position, the weights
 * "version" (read from {@code <dir>/version} on reload) and the LoRA adapter. Sampling follows vLLM's rules
 * (temperature, top-k, top-p, per-sequence seed), so the HTTP layer's tests can compute exact expectations.
 */
final class FakeServingModel implements ServingModel {

    static final int EOS = 0;
    static final int BOS = 1;
    static final int VOCAB = 97;

    private final Path path;
    private final int maxModelLen;
    private volatile int version;
    private final Map<String, Integer> loras = new HashMap<>();
    final List<Integer> generateBatchSizes = new CopyOnWriteArrayList<>();
    final List<Integer> scoreBatchSizes = new CopyOnWriteArrayList<>();
    /** Calls of {@link #tokenize}: the server tokenizes a prompt just before it queues the request. */
    final AtomicInteger tokenizeCalls = new AtomicInteger();
    /** Wall time every generate call takes, so a request of several batches lasts long enough to abandon. */
    volatile long generateMillis;
    private final AtomicReference<Hold> nextGenerate = new AtomicReference<>();
    private final AtomicReference<Hold> nextReload = new AtomicReference<>();

    /**
     * A model call held by the test: it signals when it has started (the scheduler thread is then inside the
     * model, so later work queues behind it) and waits for {@link #release()}. The waits are hang guards only.
     */
    static final class Hold {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        void awaitEntered() throws InterruptedException {
            if (!entered.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the held model call never started");
            }
        }

        void release() {
            released.countDown();
        }

        private void hold() {
            entered.countDown();
            try {
                if (!released.await(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("the held model call was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Holds the next {@link #generate} call (on the old weights, if a reload follows) until released. */
    Hold holdNextGenerate() {
        Hold h = new Hold();
        nextGenerate.set(h);
        return h;
    }

    /** Holds the next {@link #reloadWeights} call, before it switches weights, until released. */
    Hold holdNextReload() {
        Hold h = new Hold();
        nextReload.set(h);
        return h;
    }

    private static void holdIfAsked(AtomicReference<Hold> next) {
        Hold h = next.getAndSet(null);
        if (h != null) {
            h.hold();
        }
    }

    FakeServingModel(Path path, int version, int maxModelLen) {
        this.path = path;
        this.version = version;
        this.maxModelLen = maxModelLen;
    }

    int version() {
        return version;
    }

    @Override
    public int maxModelLen() {
        return maxModelLen;
    }

    @Override
    public int vocabSize() {
        return VOCAB;
    }

    @Override
    public Path modelPath() {
        return path;
    }

    @Override
    public int[] tokenize(String text, boolean addSpecialTokens) {
        tokenizeCalls.incrementAndGet();
        IntStream chars = text.chars().map(c -> c >= 32 && c <= 126 ? c - 30 : '?' - 30);
        return addSpecialTokens ? IntStream.concat(IntStream.of(BOS), chars).toArray() : chars.toArray();
    }

    @Override
    public int[] tokenizeChat(List<ChatMessage> messages, boolean addGenerationPrompt, boolean addSpecialTokens) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append(m.role()).append(": ").append(m.content()).append('\n');
        }
        if (addGenerationPrompt) {
            sb.append("assistant: ");
        }
        return tokenize(sb.toString(), addSpecialTokens);
    }

    @Override
    public String detokenize(int[] ids, boolean skipSpecialTokens) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (!(skipSpecialTokens && id < 2)) {
                sb.append(tokenText(id));
            }
        }
        return sb.toString();
    }

    @Override
    public String tokenText(int id) {
        return id == EOS ? "<eos>" : id == BOS ? "<bos>" : String.valueOf((char) (id + 30));
    }

    /** Raw next-token logits after {@code context}. */
    double[] logits(int[] context, int length, String lora) {
        int prev = context[length - 1];
        int bias = lora == null ? -1 : loras.get(lora);
        double[] z = new double[VOCAB];
        for (int v = 0; v < VOCAB; v++) {
            z[v] = 4 * Math.sin(0.37 * v * (prev + 1) + 0.11 * length + version) + (v == bias ? 6 : 0);
        }
        z[EOS] += (length - 24) * 0.4; // sequences end on their own after a while
        z[BOS] = -30; // never generated, so texts and token counts line up in tests
        return z;
    }

    static double[] logSoftmax(double[] z) {
        double max = Arrays.stream(z).max().orElseThrow();
        double sum = 0;
        for (double x : z) {
            sum += Math.exp(x - max);
        }
        double lse = max + Math.log(sum);
        return Arrays.stream(z).map(x -> x - lse).toArray();
    }

    static TopLogprobs top(double[] lp, int k) {
        int[] ids = IntStream.range(0, lp.length).boxed()
                .sorted(Comparator.comparingDouble((Integer v) -> -lp[v]).thenComparingInt(v -> v))
                .limit(k).mapToInt(Integer::intValue).toArray();
        float[] values = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            values[i] = (float) lp[ids[i]];
        }
        return new TopLogprobs(ids, values);
    }

    @Override
    public List<PromptScores> scorePrompts(List<ScoreRequest> batch) {
        scoreBatchSizes.add(batch.size());
        List<PromptScores> out = new ArrayList<>();
        for (ScoreRequest r : batch) {
            int[] ids = r.promptIds();
            float[] lps = new float[ids.length - 1];
            int[] ranks = new int[ids.length - 1];
            List<TopLogprobs> tops = new ArrayList<>();
            for (int j = 1; j < ids.length; j++) {
                double[] lp = logSoftmax(logits(ids, j, r.lora()));
                double actual = lp[ids[j]];
                lps[j - 1] = (float) actual;
                ranks[j - 1] = 1 + (int) Arrays.stream(lp).filter(x -> x > actual).count();
                tops.add(top(lp, r.topK()));
            }
            out.add(new PromptScores(lps, ranks, tops));
        }
        return out;
    }

    @Override
    public List<GeneratedSequence> generate(List<SequenceRequest> batch) {
        generateBatchSizes.add(batch.size());
        holdIfAsked(nextGenerate);
        if (generateMillis > 0) {
            try {
                Thread.sleep(generateMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<GeneratedSequence> out = new ArrayList<>();
        for (SequenceRequest r : batch) {
            out.add(sample(r));
        }
        return out;
    }

    private GeneratedSequence sample(SequenceRequest r) {
        SamplingParams p = r.params();
        SplittableRandom rng = new SplittableRandom(p.seed());
        int[] seq = Arrays.copyOf(r.promptIds(), r.promptIds().length + p.maxTokens());
        int len = r.promptIds().length;
        List<Integer> ids = new ArrayList<>();
        List<Float> lps = new ArrayList<>();
        List<TopLogprobs> tops = new ArrayList<>();
        GeneratedSequence.Finish finish = GeneratedSequence.Finish.LENGTH;
        for (int t = 0; t < p.maxTokens(); t++) {
            double[] z = logits(seq, len, r.lora());
            double[] lp = processed(z, p);
            int next;
            if (p.greedy()) {
                next = top(lp, 1).tokenIds()[0];
            } else {
                double u = rng.nextDouble();
                double c = 0;
                next = VOCAB - 1;
                for (int v = 0; v < VOCAB; v++) {
                    c += Math.exp(lp[v]);
                    if (u < c) {
                        next = v;
                        break;
                    }
                }
                while (lp[next] == Double.NEGATIVE_INFINITY) {
                    next--; // rounding at the tail of the cumulative sum
                }
            }
            seq[len++] = next;
            ids.add(next);
            if (p.logprobs() >= 0) {
                lps.add((float) lp[next]);
                tops.add(top(lp, p.logprobs()));
            }
            if ((next == EOS && !p.ignoreEos()) || p.stopTokenIds().contains(next)) {
                finish = GeneratedSequence.Finish.STOP;
                break;
            }
        }
        float[] lpArr = new float[lps.size()];
        for (int i = 0; i < lpArr.length; i++) {
            lpArr[i] = lps.get(i);
        }
        return new GeneratedSequence(ids.stream().mapToInt(Integer::intValue).toArray(),
                p.logprobs() >= 0 ? lpArr : null, p.logprobs() >= 0 ? tops : null, finish);
    }

    /** vLLM's processed log-probs: temperature, then top-k, then top-p, renormalized. */
    static double[] processed(double[] z, SamplingParams p) {
        double[] scaled = p.greedy() ? z.clone() : Arrays.stream(z).map(x -> x / p.temperature()).toArray();
        double[] lp = logSoftmax(scaled);
        Integer[] order = IntStream.range(0, lp.length).boxed()
                .sorted(Comparator.comparingDouble((Integer v) -> -lp[v]).thenComparingInt(v -> v))
                .toArray(Integer[]::new);
        boolean[] keep = new boolean[lp.length];
        double mass = 0;
        for (int i = 0; i < order.length; i++) {
            if (p.topK() > 0 && i >= p.topK()) {
                break;
            }
            keep[order[i]] = true;
            mass += Math.exp(lp[order[i]]);
            if (mass >= p.topP()) {
                break;
            }
        }
        double[] filtered = new double[lp.length];
        for (int v = 0; v < lp.length; v++) {
            filtered[v] = keep[v] ? scaled[v] : Double.NEGATIVE_INFINITY;
        }
        return logSoftmax(filtered);
    }

    @Override
    public void reloadWeights(Path dir) throws IOException {
        int next = Integer.parseInt(Files.readString(dir.resolve("version")).trim());
        holdIfAsked(nextReload);
        version = next;
    }

    @Override
    public void loadLora(String name, Path dir) throws IOException {
        loras.put(name, Integer.parseInt(Files.readString(dir.resolve("bias_token")).trim()));
    }

    @Override
    public void unloadLora(String name) {
        loras.remove(name);
    }

    @Override
    public void close() {}
}
