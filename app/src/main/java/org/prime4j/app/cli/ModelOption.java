package org.prime4j.app.cli;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.prime4j.model.hub.HubException;
import org.prime4j.model.hub.ModelLocator;
import picocli.CommandLine;

/**
 * The {@code --model} options' converter: a local directory, or a Hugging Face Hub id
 * ({@code Qwen/Qwen2.5-Math-1.5B}, {@code org/name@revision}) turned into its snapshot directory in the shared
 * HF cache, downloading what is missing ({@code HF_TOKEN}, {@code HF_ENDPOINT}, {@code HF_HUB_OFFLINE},
 * {@code HF_HOME} / {@code HF_HUB_CACHE} as huggingface_hub reads them). An existing local path wins.
 */
final class ModelOption implements CommandLine.ITypeConverter<Path> {

    /** Where Hub ids are looked up; tests swap in a locator with their own cache and settings. */
    static volatile Supplier<ModelLocator> locator = ModelLocator::fromEnvironment;

    static final String DESCRIPTION = "a directory or a Hugging Face Hub id (org/name[@revision]), fetched into"
            + " the HF cache";

    @Override
    public Path convert(String value) {
        try {
            return locate(value);
        } catch (HubException | IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The directory {@code value} names (relative paths against the working directory). */
    static Path locate(String value) {
        return locator.get().locate(value, null);
    }
}
