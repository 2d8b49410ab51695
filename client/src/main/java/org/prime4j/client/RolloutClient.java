package org.prime4j.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.prime4j.client.pool.BroadcastOutcome;
import org.prime4j.client.pool.PoolConfig;
import org.prime4j.client.pool.Publication;
import org.prime4j.client.pool.ServerCall;
import org.prime4j.client.pool.ServerPool;
import org.prime4j.client.pool.ServerStats;
import org.prime4j.client.pool.Served;
import org.prime4j.client.protocol.ChatMessage;
import org.prime4j.client.protocol.CompletionChoice;
import org.prime4j.client.protocol.CompletionReply;
import org.prime4j.client.protocol.CompletionRequest;
import org.prime4j.client.protocol.ServerException;
import org.prime4j.client.protocol.TokenIdsMode;
import org.prime4j.client.protocol.VllmServerClient;

/**
 * What a PRIME step asks of its servers: rollouts from the policy pool (step 2), reference log-probs
 * (step 5), chat-template tokenization (step 1) and weight publishing (step 10). Batches are split into
 * requests of {@link PoolConfig#requestBatchSize()} prompts that run concurrently over the pool; results
 * come back in input order, every one checked against what was asked, or the call fails naming the server.
 */
public final class RolloutClient implements AutoCloseable {

    private final ServerPool pool;

    public RolloutClient(ServerPool pool) {
        this.pool = pool;
    }

    public static RolloutClient open(PoolConfig config) {
        return new RolloutClient(new ServerPool(config));
    }

    public ServerPool pool() {
        return pool;
    }

    /**
     * Samples {@code options.n()} responses for each prompt. The request holding prompts
     * {@code [s, s + requestBatchSize)} carries seed {@link Seeds#derive}{@code (baseSeed, s)}, so the same
     * batch gives the same samples whatever server answers (keep requestBatchSize fixed to reproduce a run).
     *
     * @return one {@link Rollouts} per prompt, in the order of {@code prompts}
     */
    public List<Rollouts> sample(List<int[]> prompts, SamplingOptions options, long baseSeed) throws ServerException {
        requirePrompts(prompts, "prompts");
        int size = pool.config().requestBatchSize();
        List<ServerCall<List<Rollouts>>> calls = new ArrayList<>();
        for (int start = 0; start < prompts.size(); start += size) {
            int first = start;
            List<int[]> chunk = prompts.subList(start, Math.min(prompts.size(), start + size));
            long seed = Seeds.derive(baseSeed, first);
            CompletionRequest request = new CompletionRequest(chunk, options.model(), options.n(),
                    options.temperature(), options.topP(), options.topK() == -1 ? null : options.topK(),
                    options.maxTokens(), options.logprobs(), null, false, seed, options.stop(),
                    options.stopTokenIds(), options.includeStopStrInOutput(),
                    options.tokenIds() == TokenIdsMode.RETURN_TOKEN_IDS,
                    options.tokenIds() == TokenIdsMode.TOKENS_AS_TOKEN_IDS);
            calls.add(server -> toRollouts(server.baseUrl(), server.complete(request), chunk, first, seed, options));
        }
        List<Served<List<Rollouts>>> served = pool.executeAll("sample", calls,
                r -> r.stream().flatMap(x -> x.samples().stream()).mapToLong(s -> s.tokenIds().length).sum());
        List<Rollouts> out = new ArrayList<>(prompts.size());
        for (Served<List<Rollouts>> s : served) {
            out.addAll(s.value());
        }
        return out;
    }

    private static List<Rollouts> toRollouts(String server, CompletionReply reply, List<int[]> chunk, int first,
            long seed, SamplingOptions options) throws ServerException {
        int n = options.n();
        if (reply.choices().size() != chunk.size() * n) {
            throw protocol(server, "reply has " + reply.choices().size() + " choices for " + chunk.size()
                    + " prompts x n=" + n);
        }
        List<List<Sample>> samples = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            samples.add(new ArrayList<>(n));
        }
        for (CompletionChoice c : reply.choices()) {
            int p = c.index() / n;
            String where = "choices[" + c.index() + "]";
            if (c.tokenIds() == null) {
                throw protocol(server, options.tokenIds() == TokenIdsMode.RETURN_TOKEN_IDS
                        ? "server ignored return_token_ids: " + where + ".token_ids is missing (servers older than"
                                + " vLLM 0.10.2 drop unknown fields silently; upgrade, or use tokenIds:"
                                + " TOKENS_AS_TOKEN_IDS)"
                        : "server ignored return_tokens_as_token_ids: " + where
                                + ".logprobs.tokens are not \"token_id:<id>\"");
            }
            if (c.tokenLogprobs() == null) {
                throw protocol(server, "server ignored logprobs: " + where + ".logprobs is null");
            }
            if (c.tokenLogprobs().length != c.tokenIds().length) {
                throw protocol(server, where + " has " + c.tokenIds().length + " token ids but "
                        + c.tokenLogprobs().length + " token_logprobs");
            }
            for (int t = 0; t < c.tokenLogprobs().length; t++) {
                if (Float.isNaN(c.tokenLogprobs()[t])) {
                    throw protocol(server, where + ".logprobs.token_logprobs[" + t + "] is null");
                }
            }
            if (c.promptTokenIds() != null && !Arrays.equals(c.promptTokenIds(), chunk.get(p))) {
                throw protocol(server, where + ".prompt_token_ids differ from prompt " + (first + p) + " as sent");
            }
            if (c.finishReason() == null) {
                throw protocol(server, where + ".finish_reason is missing");
            }
            samples.get(p).add(new Sample(c.tokenIds(), c.tokenLogprobs(), c.finishReason(), c.text()));
        }
        List<Rollouts> out = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            out.add(new Rollouts(first + i, chunk.get(i), samples.get(i), seed, server));
        }
        return out;
    }

    /** Reference log-probs by {@link ScoreMode#PROMPT_LOGPROBS} on the server's default model. */
    public List<float[]> score(List<int[]> promptIds, List<int[]> responseIds) throws ServerException {
        return score(promptIds, responseIds, ScoreMode.PROMPT_LOGPROBS, null);
    }

    /**
     * Teacher-forced log-probs of each response given its prompt (temperature 1), at the response positions
     * only: element {@code j} of the result is {@code log p(response[j] | prompt, response[<j])}.
     */
    public List<float[]> score(List<int[]> promptIds, List<int[]> responseIds, ScoreMode mode, String model)
            throws ServerException {
        requirePrompts(promptIds, "promptIds");
        if (responseIds == null || responseIds.size() != promptIds.size()) {
            throw new IllegalArgumentException("score: " + promptIds.size() + " prompts but "
                    + (responseIds == null ? "no" : responseIds.size()) + " responses");
        }
        int size = pool.config().requestBatchSize();
        List<ServerCall<List<float[]>>> calls = new ArrayList<>();
        for (int start = 0; start < promptIds.size(); start += size) {
            int end = Math.min(promptIds.size(), start + size);
            List<int[]> prompts = promptIds.subList(start, end);
            List<int[]> responses = responseIds.subList(start, end);
            List<int[]> sequences = new ArrayList<>(prompts.size());
            for (int i = 0; i < prompts.size(); i++) {
                int[] r = responses.get(i);
                if (r == null) {
                    throw new IllegalArgumentException("score: responseIds[" + (start + i) + "] is null");
                }
                int[] seq = Arrays.copyOf(prompts.get(i), prompts.get(i).length + r.length);
                System.arraycopy(r, 0, seq, prompts.get(i).length, r.length);
                sequences.add(seq);
            }
            CompletionRequest request = mode == ScoreMode.PROMPT_LOGPROBS
                    ? new CompletionRequest(sequences, model, 1, 1.0, 1.0, null, 1, null, 1, false, 0L, null, null,
                            false, true, false)
                    : new CompletionRequest(sequences, model, 1, 1.0, 1.0, null, 0, 0, null, true, 0L, null, null,
                            false, false, true);
            calls.add(server -> responseLogprobs(server.baseUrl(), server.complete(request), prompts, sequences, mode));
        }
        List<Served<List<float[]>>> served = pool.executeAll("score", calls, r -> 0);
        List<float[]> out = new ArrayList<>(promptIds.size());
        for (Served<List<float[]>> s : served) {
            out.addAll(s.value());
        }
        return out;
    }

    private static List<float[]> responseLogprobs(String server, CompletionReply reply, List<int[]> prompts,
            List<int[]> sequences, ScoreMode mode) throws ServerException {
        if (reply.choices().size() != sequences.size()) {
            throw protocol(server, "reply has " + reply.choices().size() + " choices for " + sequences.size()
                    + " scored sequences");
        }
        List<float[]> out = new ArrayList<>(sequences.size());
        for (CompletionChoice c : reply.choices()) {
            int i = c.index();
            int[] seq = sequences.get(i);
            String where = "choices[" + i + "]";
            float[] all;
            if (mode == ScoreMode.PROMPT_LOGPROBS) {
                all = c.promptLogprobs();
                if (all == null) {
                    throw protocol(server, "server ignored prompt_logprobs: " + where + ".prompt_logprobs is missing");
                }
            } else {
                all = c.tokenLogprobs();
                if (all == null || all.length < seq.length) {
                    throw protocol(server, "echo reply " + where + " has " + (all == null ? "no" : all.length)
                            + " token_logprobs for " + seq.length + " echoed tokens (server ignored echo?)");
                }
                if (c.tokenIds() != null && (c.tokenIds().length < seq.length
                        || !Arrays.equals(c.tokenIds(), 0, seq.length, seq, 0, seq.length))) {
                    throw protocol(server, where + ": echoed token ids differ from the sequence sent");
                }
            }
            int from = prompts.get(i).length;
            float[] r = Arrays.copyOfRange(all, from, seq.length);
            for (int j = 0; j < r.length; j++) {
                if (Float.isNaN(r[j])) {
                    throw protocol(server, where + ": no log-prob at response position " + j);
                }
            }
            out.add(r);
        }
        return out;
    }

    /** Token ids of chat messages under the policy server's own chat template, with the generation prompt. */
    public int[] tokenizeChat(List<ChatMessage> messages) throws ServerException {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("tokenizeChat: no messages");
        }
        List<ChatMessage> copy = List.copyOf(messages);
        return pool.execute("tokenize", s -> s.tokenizeChat(copy, true)).value();
    }

    /** Token ids of plain text, without special tokens. */
    public int[] tokenize(String text) throws ServerException {
        return pool.execute("tokenize", s -> s.tokenize(text, false)).value();
    }

    /** Model ids served (base model and loaded LoRA adapters), from one server. */
    public List<String> models() throws ServerException {
        return pool.execute("models", s -> s.models()).value();
    }

    /** The publication key of the policy's weights. */
    public static final String WEIGHTS = "weights";

    /**
     * Loads new policy weights on every server ({@code reload_weights} then {@code reset_prefix_cache}), then
     * checks each with {@code probe} (null: no check). Succeeds when at least one server holds them; the others
     * are stale (WARN, out of sampling) until the pool has reloaded them, also after a restart. Fails only when
     * no server holds them within the reload timeout, naming every server and why.
     *
     * @return one outcome per server
     */
    public List<BroadcastOutcome> reloadWeights(Path checkpointDir, WeightProbe probe) throws ServerException {
        return pool.publish("reload_weights " + checkpointDir.toAbsolutePath(), weights(checkpointDir, probe), false);
    }

    /** {@link #reloadWeights(Path, WeightProbe)} without a probe. */
    public List<BroadcastOutcome> reloadWeights(Path checkpointDir) throws ServerException {
        return reloadWeights(checkpointDir, null);
    }

    /**
     * Makes {@code checkpointDir} the weights every server must hold, at the start or resumption of a run: a
     * server whose probe already matches (started from the same directory) is left as it is, every other one is
     * reloaded and probed.
     */
    public List<BroadcastOutcome> adoptWeights(Path checkpointDir, WeightProbe probe) throws ServerException {
        return pool.publish("reload_weights " + checkpointDir.toAbsolutePath(), weights(checkpointDir, probe),
                probe != null);
    }

    private Publication weights(Path checkpointDir, WeightProbe probe) {
        String path = checkpointDir.toAbsolutePath().toString();
        return new Publication(WEIGHTS, path, s -> {
            s.reloadWeights(path, pool.config().reloadTimeout());
            return null;
        }, probe == null ? null : s -> probe.mismatch(probeLogprobs(s, probe)));
    }

    /** The probe's response log-probs as {@code s} computes them ({@code prompt_logprobs}, temperature 1). */
    private static float[] probeLogprobs(VllmServerClient s, WeightProbe probe) throws ServerException {
        return probeLogprobs(s, probe, null);
    }

    /** The same with {@code model} (a LoRA adapter's name; null: the server's base model). */
    private static float[] probeLogprobs(VllmServerClient s, WeightProbe probe, String model) throws ServerException {
        int[] seq = Arrays.copyOf(probe.prompt(), probe.prompt().length + probe.response().length);
        System.arraycopy(probe.response(), 0, seq, probe.prompt().length, probe.response().length);
        List<int[]> sequences = List.of(seq);
        CompletionRequest request = new CompletionRequest(sequences, model, 1, 1.0, 1.0, null, 1, null, 1, false, 0L,
                null, null, false, true, false);
        return responseLogprobs(s.baseUrl(), s.complete(request), List.of(probe.prompt()), sequences,
                ScoreMode.PROMPT_LOGPROBS).get(0);
    }

    /** The publication key of the policy's LoRA adapter. */
    public static final String LORA = "lora";

    /**
     * Makes the LoRA adapter in {@code adapterDir} (PEFT layout), served as {@code name}, what every server must
     * hold, like {@link #reloadWeights(Path, WeightProbe)}: on each server the adapter is loaded (an adapter of
     * that name left by an earlier process is unloaded first: vLLM refuses a name twice), then every adapter
     * {@code superseded} accepts is unloaded, then {@code probe} scores the fixed probe with {@code model: name}.
     * A server that fails any of it is stale and out of every request until the pool has caught it up (a
     * restarted server holds no adapter: the catch-up loads the current one). Succeeds when one server holds it.
     *
     * @param superseded the served models to unload once {@code name} is loaded (older adapters of the run)
     * @param probe null: no check
     */
    public List<BroadcastOutcome> publishLora(String name, Path adapterDir, Predicate<String> superseded,
            WeightProbe probe) throws ServerException {
        String path = adapterDir.toAbsolutePath().toString();
        Publication p = new Publication(LORA, name, s -> {
            List<String> before = s.models();
            if (before.contains(name)) {
                unloadIfPresent(s, name);
            }
            s.loadLoraAdapter(name, path, pool.config().reloadTimeout());
            for (String m : before) {
                if (!m.equals(name) && superseded.test(m)) {
                    unloadIfPresent(s, m);
                }
            }
            return null;
        }, probe == null ? null : s -> probe.mismatch(probeLogprobs(s, probe, name)));
        return pool.publish("load_lora_adapter " + name, p, false);
    }

    /** An adapter that is already gone (the server restarted, or another unload won) is what was wanted. */
    private void unloadIfPresent(VllmServerClient s, String name) throws ServerException {
        try {
            s.unloadLoraAdapter(name, pool.config().reloadTimeout());
        } catch (ServerException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    public List<ServerStats> stats() {
        return pool.stats();
    }

    private static void requirePrompts(List<int[]> prompts, String what) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        for (int i = 0; i < prompts.size(); i++) {
            if (prompts.get(i) == null || prompts.get(i).length == 0) {
                throw new IllegalArgumentException(what + "[" + i + "] has no tokens");
            }
        }
    }

    private static ServerException protocol(String server, String detail) {
        return new ServerException(server, ServerException.Kind.PROTOCOL, detail);
    }

    @Override
    public void close() {
        pool.close();
    }
}
