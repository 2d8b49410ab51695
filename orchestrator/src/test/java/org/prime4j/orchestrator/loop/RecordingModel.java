package org.prime4j.orchestrator.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.server.djl.DjlServingModel;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;

/**
 * An embedded server's real model that records which weights it held at every sampling call, next to the
 * newest weights the run has published ({@code newest}, shared by the fleet). With {@code ignoreReloads} it
 * acknowledges a reload and keeps its old weights, as a broken server would.
 */
final class RecordingModel implements ServingModel {

    /** What the fleet's servers did, shared by every model of a test. */
    static final class Fleet {
        final AtomicReference<Path> newest;
        /** Sampling calls made with weights other than the newest published ones. */
        final List<String> staleSamples = new CopyOnWriteArrayList<>();

        Fleet(Path initial) {
            newest = new AtomicReference<>(initial.toAbsolutePath());
        }
    }

    private final DjlServingModel delegate;
    final String name;
    private final Fleet fleet;
    private final boolean ignoreReloads;
    private volatile Path holds;
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger generateCalls = new AtomicInteger();

    RecordingModel(Path dir, String name, Fleet fleet, boolean ignoreReloads) throws IOException {
        this.delegate = DjlServingModel.load(dir, null);
        this.name = name;
        this.fleet = fleet;
        this.ignoreReloads = ignoreReloads;
        this.holds = dir.toAbsolutePath();
    }

    Path holds() {
        return holds;
    }

    @Override
    public List<GeneratedSequence> generate(List<SequenceRequest> batch) {
        if (batch.stream().allMatch(r -> r.params().maxTokens() <= 1)) {
            // prompt_logprobs scoring (the weight probe, reference log-probs) asks for one token: not a rollout
            events.add("score " + holds);
            return delegate.generate(batch);
        }
        generateCalls.incrementAndGet();
        events.add("generate " + holds);
        if (!holds.equals(fleet.newest.get())) {
            fleet.staleSamples.add(name + " sampled with " + holds + " while the run had published "
                    + fleet.newest.get());
        }
        return delegate.generate(batch);
    }

    @Override
    public void reloadWeights(Path dir) throws IOException {
        events.add("reload " + dir.toAbsolutePath());
        fleet.newest.set(dir.toAbsolutePath());
        if (!ignoreReloads) {
            delegate.reloadWeights(dir);
            holds = dir.toAbsolutePath();
        }
    }

    @Override public int maxModelLen() { return delegate.maxModelLen(); }
    @Override public int vocabSize() { return delegate.vocabSize(); }
    @Override public Path modelPath() { return delegate.modelPath(); }
    @Override public int[] tokenize(String text, boolean special) { return delegate.tokenize(text, special); }
    @Override public int[] tokenizeChat(List<ChatMessage> m, boolean gen, boolean special) {
        return delegate.tokenizeChat(m, gen, special);
    }
    @Override public String detokenize(int[] ids, boolean skip) { return delegate.detokenize(ids, skip); }
    @Override public String tokenText(int id) { return delegate.tokenText(id); }
    @Override public List<PromptScores> scorePrompts(List<ScoreRequest> batch) { return delegate.scorePrompts(batch); }
    @Override public void loadLora(String n, Path dir) throws IOException { delegate.loadLora(n, dir); }
    @Override public void unloadLora(String n) { delegate.unloadLora(n); }
    @Override public void close() { delegate.close(); }
}
