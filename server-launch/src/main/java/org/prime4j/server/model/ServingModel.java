package org.prime4j.server.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.prime4j.model.tokenizer.ChatMessage;

/**
 * What the embedded server needs from a causal LM: the server's own port, so the HTTP layer is built and
 * tested without DJL and the real model plugs in behind one adapter.
 *
 * <p>Threading: {@link #generate}, {@link #scorePrompts}, {@link #reloadWeights}, {@link #loadLora} and
 * {@link #unloadLora} are only ever called from the server's single scheduler thread, one at a time, so an
 * implementation needs no locking for them; a reload therefore never overlaps a batch. The tokenizer methods
 * are called concurrently from request threads and must be thread-safe.
 */
public interface ServingModel extends AutoCloseable {

    /** Longest prompt + completion, in tokens ({@code max_model_len}). */
    int maxModelLen();

    /** Rows of the output distribution; prompt token ids must lie in {@code [0, vocabSize)}. */
    int vocabSize();

    /** Where the weights were loaded from (reported as {@code root} by {@code /v1/models}). */
    Path modelPath();

    /** Token ids of a text prompt, with the tokenizer's special tokens (BOS) when asked. */
    int[] tokenize(String text, boolean addSpecialTokens);

    /** Token ids of chat messages rendered with the model's chat template. */
    int[] tokenizeChat(List<ChatMessage> messages, boolean addGenerationPrompt, boolean addSpecialTokens);

    /** Text of token ids; special tokens (EOS, BOS, template markers) are dropped when asked. */
    String detokenize(int[] tokenIds, boolean skipSpecialTokens);

    /** One token decoded on its own: vLLM's {@code decoded_token} and the keys of {@code top_logprobs}. */
    String tokenText(int tokenId);

    /**
     * Samples every sequence of the batch; result i answers request i. Each request carries its own seed,
     * so a sequence's tokens do not depend on what else is in the batch.
     */
    List<GeneratedSequence> generate(List<SequenceRequest> batch);

    /** Teacher-forced log-probs of every prompt token after the first, at temperature 1; result i answers i. */
    List<PromptScores> scorePrompts(List<ScoreRequest> batch);

    /**
     * Replaces the base weights with the checkpoint in {@code dir}. Must load completely before switching,
     * and must leave the old weights serving if loading fails.
     */
    void reloadWeights(Path dir) throws IOException;

    /** Loads a PEFT adapter under {@code name}; requests then select it by that name. */
    void loadLora(String name, Path dir) throws IOException;

    void unloadLora(String name);

    @Override
    void close();
}
