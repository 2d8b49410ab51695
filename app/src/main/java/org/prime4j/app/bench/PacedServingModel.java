package org.prime4j.app.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;
import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;

/**
 * A stand-in for a GPU policy server in {@code prime4j bench async}: the real model answers, but a batch takes
 * at least a fixed time per decode step (its longest generated sequence), so rollout time is set by the
 * benchmark and is not CPU the trainer competes for. Counts decode steps so the benchmark can calibrate.
 */
final class PacedServingModel implements ServingModel {

    private final ServingModel model;
    private volatile double secondsPerToken;
    private final AtomicLong decodeSteps = new AtomicLong();

    PacedServingModel(ServingModel model) {
        this.model = model;
    }

    void secondsPerToken(double s) {
        secondsPerToken = s;
    }

    /** Decode steps (longest sequence of each batch) generated so far. */
    long decodeSteps() {
        return decodeSteps.get();
    }

    @Override
    public List<GeneratedSequence> generate(List<SequenceRequest> batch) {
        long t0 = System.nanoTime();
        List<GeneratedSequence> out = model.generate(batch);
        int steps = 0;
        for (GeneratedSequence g : out) {
            steps = Math.max(steps, g.tokenIds().length);
        }
        decodeSteps.addAndGet(steps);
        long wait = Math.round(secondsPerToken * steps * 1e9) - (System.nanoTime() - t0);
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }

    @Override
    public int maxModelLen() {
        return model.maxModelLen();
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
    }

    @Override
    public Path modelPath() {
        return model.modelPath();
    }

    @Override
    public int[] tokenize(String text, boolean addSpecialTokens) {
        return model.tokenize(text, addSpecialTokens);
    }

    @Override
    public int[] tokenizeChat(List<ChatMessage> messages, boolean addGenerationPrompt, boolean addSpecialTokens) {
        return model.tokenizeChat(messages, addGenerationPrompt, addSpecialTokens);
    }

    @Override
    public String detokenize(int[] tokenIds, boolean skipSpecialTokens) {
        return model.detokenize(tokenIds, skipSpecialTokens);
    }

    @Override
    public String tokenText(int tokenId) {
        return model.tokenText(tokenId);
    }

    @Override
    public List<PromptScores> scorePrompts(List<ScoreRequest> batch) {
        return model.scorePrompts(batch);
    }

    @Override
    public void reloadWeights(Path dir) throws IOException {
        model.reloadWeights(dir);
    }

    @Override
    public void loadLora(String name, Path dir) throws IOException {
        model.loadLora(name, dir);
    }

    @Override
    public void unloadLora(String name) {
        model.unloadLora(name);
    }

    @Override
    public void close() {
        model.close();
    }
}
