package org.prime4j.orchestrator.config;

import java.nio.file.Path;
import org.prime4j.orchestrator.data.BadLinePolicy;
import org.prime4j.orchestrator.data.PromptDataset;
import org.prime4j.orchestrator.settings.FieldError;
import org.prime4j.orchestrator.settings.Checks;

/**
 * The prompts.
 *
 * @param train          training prompts, required: a JSONL file, or parquet (a {@code .parquet} file, a
 *                       directory of {@code .parquet} shards, or a glob such as {@code data/train-*.parquet})
 * @param promptField    the field holding the prompt (a string or chat messages)
 * @param eval           held-out prompts for {@code run.eval_every}, as {@code train} (may be absent)
 * @param evalLimit      held-out prompts used per evaluation; 0 = all
 * @param onBadLine      fail (default: before training starts, after checking the whole file) or skip
 * @param defaultAbility the verifier of lines without {@code ability}
 * @param chatTemplate   string prompts go through the policy server's chat template as one user message
 *                       (default); false tokenizes them as raw text. Chat-message prompts always use it.
 */
public record DataSection(Path train, String promptField, Path eval, Integer evalLimit, BadLinePolicy onBadLine,
                          String defaultAbility, Boolean chatTemplate) {

    public DataSection {
        if (train == null) {
            throw new FieldError("train",
                    "is required (a JSONL or parquet file of prompts, a directory of parquet shards, or a glob)");
        }
        promptField = Checks.orDefault(promptField, "prompt");
        if (promptField.isBlank()) {
            throw new FieldError("prompt_field", "is empty");
        }
        evalLimit = Checks.atLeast("eval_limit", Checks.orDefault(evalLimit, 0), 0);
        onBadLine = Checks.orDefault(onBadLine, BadLinePolicy.FAIL);
        defaultAbility = Checks.orDefault(defaultAbility, "math");
        chatTemplate = Checks.orDefault(chatTemplate, true);
    }

    /** How the training and held-out files are read. */
    public PromptDataset.Options readOptions() {
        return new PromptDataset.Options(promptField, chatTemplate, defaultAbility, onBadLine, false);
    }

    DataSection resolve(Path base) {
        return new DataSection(base.resolve(train), promptField, eval == null ? null : base.resolve(eval), evalLimit,
                onBadLine, defaultAbility, chatTemplate);
    }
}
