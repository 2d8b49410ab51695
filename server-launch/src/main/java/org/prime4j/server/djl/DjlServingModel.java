package org.prime4j.server.djl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;
import org.prime4j.model.config.ModelConfig;
import org.prime4j.model.generate.Completion;
import org.prime4j.model.generate.Generator;
import org.prime4j.model.generate.SamplingParams;
import org.prime4j.model.io.HfCheckpoint;
import org.prime4j.model.io.HostTensor;
import org.prime4j.model.lora.LoraAdapter;
import org.prime4j.model.nn.CausalLM;
import org.prime4j.model.score.Scorer;
import org.prime4j.model.score.SequenceScores;
import org.prime4j.model.tokenizer.TextTokenizer;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.server.model.GeneratedSequence;
import org.prime4j.server.model.PromptScores;

import org.prime4j.server.model.ScoreRequest;
import org.prime4j.server.model.SequenceRequest;
import org.prime4j.server.model.ServingModel;
import org.prime4j.server.model.TopLogprobs;

/**
 * The embedded server's port onto the DJL model: an HF checkpoint directory (config.json, safetensors,
 * tokenizer.json, tokenizer_config.json) loaded to FP32 on the CPU, generation through the model's KV-cache
 * {@link Generator}, prompt scoring through its {@link Scorer}, LoRA through PEFT adapters.
 *
 * <p>Several LoRA adapters may be loaded; the model holds one at a time, so a batch is split by adapter
 * and each part runs with its adapter installed (all on the scheduler thread, never concurrently).
 */
public final class DjlServingModel implements ServingModel {

    private final Path dir;
    private final CausalLM model;
    private final TextTokenizer tokenizer;
    private final int maxModelLen;
    /** EOS ids the tokenizer knows but config.json does not list; vLLM stops on both. */
    private final Set<Integer> extraEos;
    private final Map<String, LoraAdapter> loras = new HashMap<>();
    /** tokenText per id, filled on first use: every logprob entry needs one, and a JNI decode each is slow. */
    private final AtomicReferenceArray<String> tokenTexts;

    private DjlServingModel(Path dir, CausalLM model, TextTokenizer tokenizer, int maxModelLen) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxModelLen = maxModelLen;
        Set<Integer> eos = new HashSet<>(tokenizer.eosTokenIds());
        eos.removeAll(model.config().eosTokenIds());
        this.extraEos = Set.copyOf(eos);
        this.tokenTexts = new AtomicReferenceArray<>(vocabSize());
    }

    /**
     * Loads a model directory.
     *
     * @param maxModelLen context length to serve; null for the model's {@code max_position_embeddings}
     */
    public static DjlServingModel load(Path dir, Integer maxModelLen) throws IOException {
        CausalLM model = CausalLM.load(dir);
        try {
            TextTokenizer tokenizer = TextTokenizer.load(dir);
            int max = model.config().maxPositionEmbeddings();
            if (maxModelLen != null && (maxModelLen < 2 || maxModelLen > max)) {
                tokenizer.close();
                throw new IllegalArgumentException("max_model_len must be in [2, " + max + "] for " + dir
                        + ", got " + maxModelLen);
            }
            return new DjlServingModel(dir, model, tokenizer, maxModelLen == null ? max : maxModelLen);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The underlying model, for benchmarks that call it directly. */
    public CausalLM causalLm() {
        return model;
    }

    @Override
    public int maxModelLen() {
        return maxModelLen;
    }

    @Override
    public int vocabSize() {
        // Ids past the tokenizer's cannot be decoded, so the server accepts only the tokenizer's ids.
        return Math.min(model.config().vocabSize(), tokenizer.vocabSize());
    }

    @Override
    public Path modelPath() {
        return dir;
    }

    @Override
    public int[] tokenize(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens);
    }

    @Override
    public int[] tokenizeChat(List<ChatMessage> messages, boolean addGenerationPrompt, boolean addSpecialTokens) {
        var template = tokenizer.chatTemplate().orElseThrow(() -> new IllegalStateException(
                dir + ": tokenizer_config.json has no chat_template"));
        return tokenizer.encode(template.render(messages, addGenerationPrompt), addSpecialTokens);
    }

    @Override
    public String detokenize(int[] tokenIds, boolean skipSpecialTokens) {
        // The embedding may have more rows than the tokenizer has ids (Qwen2.5 pads 151,665 to 152,064); a
        // sampled padding id has no text, as in vLLM.
        int known = tokenTexts.length();
        int[] ids = Arrays.stream(tokenIds).filter(id -> id < known).toArray();
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /** The token decoded on its own, as current vLLM renders logprob tokens (" step", not "Ġstep"). */
    @Override
    public String tokenText(int tokenId) {
        if (tokenId >= tokenTexts.length()) {
            return ""; // a padding row of the embedding: no text
        }
        String text = tokenTexts.get(tokenId);
        if (text == null) {
            text = tokenizer.decode(new int[] {tokenId}, false);
            tokenTexts.set(tokenId, text);
        }
        return text;
    }

    @Override
    public List<GeneratedSequence> generate(List<SequenceRequest> batch) {
        GeneratedSequence[] out = new GeneratedSequence[batch.size()];
        for (Map.Entry<String, List<Integer>> group : byAdapter(batch, SequenceRequest::lora).entrySet()) {
            List<Generator.Request> requests = new ArrayList<>();
            for (int i : group.getValue()) {
                SequenceRequest r = batch.get(i);
                requests.add(new Generator.Request(r.promptIds(), withEos(r.params())));
            }
            List<Completion> done = withAdapter(group.getKey(),
                    () -> Generator.generate(model, requests, ids -> tokenizer.decode(ids, true)));
            for (int k = 0; k < done.size(); k++) {
                out[group.getValue().get(k)] = fromModel(done.get(k), batch.get(group.getValue().get(k)).params());
            }
        }
        return Arrays.asList(out);
    }

    /** The request's sampling with the checkpoint's extra EOS ids as stops (unless EOS is ignored). */
    private SamplingParams withEos(SamplingParams p) {
        if (p.ignoreEos() || extraEos.isEmpty()) {
            return p;
        }
        Set<Integer> stops = new HashSet<>(p.stopTokenIds());
        stops.addAll(extraEos);
        return p.withStops(stops, p.stopStrings());
    }

    private static GeneratedSequence fromModel(Completion c, SamplingParams p) {
        List<TopLogprobs> top = null;
        if (p.logprobs() > 0) {
            top = new ArrayList<>();
            for (int t = 0; t < c.tokenIds().length; t++) {
                top.add(new TopLogprobs(c.topIds()[t], c.topLogprobs()[t]));
            }
        }
        GeneratedSequence.Finish finish = c.finishReason() == Completion.FinishReason.STOP
                ? GeneratedSequence.Finish.STOP : GeneratedSequence.Finish.LENGTH;
        return new GeneratedSequence(c.tokenIds(), c.logprobs(), top, finish);
    }

    @Override
    public List<PromptScores> scorePrompts(List<ScoreRequest> batch) {
        PromptScores[] out = new PromptScores[batch.size()];
        for (Map.Entry<String, List<Integer>> group : byAdapter(batch, ScoreRequest::lora).entrySet()) {
            List<int[]> prompts = new ArrayList<>();
            int k = 0;
            for (int i : group.getValue()) {
                prompts.add(batch.get(i).promptIds());
                k = Math.max(k, batch.get(i).topK());
            }
            int topK = Math.min(k, model.config().vocabSize());
            List<SequenceScores> scores = withAdapter(group.getKey(), () -> Scorer.score(model, prompts, topK));
            for (int j = 0; j < scores.size(); j++) {
                int index = group.getValue().get(j);
                out[index] = toPromptScores(scores.get(j), batch.get(index).topK());
            }
        }
        return Arrays.asList(out);
    }

    private static PromptScores toPromptScores(SequenceScores s, int k) {
        List<TopLogprobs> top = new ArrayList<>(s.length());
        for (int j = 0; j < s.length(); j++) {
            int n = Math.min(k, s.topIds()[j].length);
            top.add(new TopLogprobs(Arrays.copyOf(s.topIds()[j], n), Arrays.copyOf(s.topLogprobs()[j], n)));
        }
        return new PromptScores(s.logprobs(), s.ranks(), top);
    }

    /** Indices of the batch per adapter name ("" for the base model), in first-seen order. */
    private static <T> Map<String, List<Integer>> byAdapter(List<T> batch, Function<T, String> lora) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            String name = lora.apply(batch.get(i));
            groups.computeIfAbsent(name == null ? "" : name, n -> new ArrayList<>()).add(i);
        }
        return groups;
    }

    private <R> R withAdapter(String name, Supplier<R> work) {
        if (name.isEmpty()) {
            model.setAdapter(null);
            return work.get();
        }
        LoraAdapter adapter = loras.get(name);
        if (adapter == null) {
            throw new IllegalStateException("LoRA adapter '" + name + "' is not loaded");
        }
        model.setAdapter(adapter);
        try {
            return work.get();
        } finally {
            model.setAdapter(null);
        }
    }

    /**
     * Reads the whole new checkpoint to host memory and checks it against the served architecture before
     * touching a parameter, so a bad or partial checkpoint leaves the old weights serving.
     */
    @Override
    public void reloadWeights(Path weights) throws IOException {
        try (HfCheckpoint ckpt = HfCheckpoint.open(weights)) {
            if (!sameArchitecture(ckpt.config(), model.config())) {
                throw new IllegalArgumentException(weights + " holds a different architecture than the served model: "
                        + ckpt.config() + " vs " + model.config());
            }
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (String name : ckpt.tensorNames()) {
                tensors.put(name, ckpt.tensor(name));
            }
            model.loadHost(tensors);
        }
    }

    private static boolean sameArchitecture(ModelConfig a, ModelConfig b) {
        return a.architecture() == b.architecture() && a.hiddenSize() == b.hiddenSize()
                && a.intermediateSize() == b.intermediateSize() && a.numHiddenLayers() == b.numHiddenLayers()
                && a.numAttentionHeads() == b.numAttentionHeads() && a.numKeyValueHeads() == b.numKeyValueHeads()
                && a.headDim() == b.headDim() && a.rmsNormEps() == b.rmsNormEps() && a.ropeTheta() == b.ropeTheta()
                && a.vocabSize() == b.vocabSize() && a.tieWordEmbeddings() == b.tieWordEmbeddings()
                && a.attentionBias() == b.attentionBias() && a.mlpBias() == b.mlpBias()
                && java.util.Objects.equals(a.ropeScaling(), b.ropeScaling());
    }

    @Override
    public void loadLora(String name, Path adapterDir) throws IOException {
        Objects.requireNonNull(name, "name");
        LoraAdapter adapter = LoraAdapter.load(model, adapterDir);
        LoraAdapter old = loras.put(name, adapter);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public void unloadLora(String name) {
        LoraAdapter adapter = loras.remove(name);
        if (adapter != null) {
            adapter.close();
        }
    }

    @Override
    public void close() {
        model.setAdapter(null);
        loras.values().forEach(LoraAdapter::close);
        loras.clear();
        tokenizer.close();
        model.close();
    }
}
