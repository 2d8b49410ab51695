package org.prime4j.orchestrator.loop;

/**
 * What sampling, verification and the filter measured in one step (steps 1-4), over every sampled response.
 *
 * @param accuracy           mean outcome of every sampled response, before filtering
 * @param sampledPrompts     prompts sampled (first draw plus refills)
 * @param keptPrompts        prompts that passed the filter and were trained on
 * @param filteredFraction   1 - kept / sampled (surplus beyond prompts_per_step counts as filtered)
 * @param refills            further draws after the first
 * @param truncatedFraction  responses cut at max_tokens, over all sampled
 * @param verifyErrors       verifications that failed with an error (score 0)
 * @param verifyTimeouts     verifications past their deadline (score 0)
 * @param responseLengthMean mean response length in tokens
 * @param responseLengthMax  longest response in tokens
 */
public record RolloutStats(double accuracy, int sampledPrompts, int keptPrompts, double filteredFraction,
                           int refills, double truncatedFraction, int verifyErrors, int verifyTimeouts,
                           double responseLengthMean, int responseLengthMax) {}
