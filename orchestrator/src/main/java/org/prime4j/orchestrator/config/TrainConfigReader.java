package org.prime4j.orchestrator.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.prime4j.model.hub.ModelLocator;
import org.prime4j.orchestrator.data.ParquetRows;
import org.prime4j.orchestrator.settings.FieldError;

/**
 * Reads a {@code prime4j train} YAML into a validated {@link TrainConfig}. Keys are snake_case; an unknown
 * key is an error that suggests the nearest valid one; every error names the file, the line and the dotted
 * field. Relative paths in the file are resolved against the file's directory; Hugging Face Hub ids in
 * {@code model.*} ({@code Qwen/Qwen2.5-Math-1.5B}) become snapshot directories of the shared HF cache.
 */
public final class TrainConfigReader {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private TrainConfigReader() {}

    public static TrainConfig read(Path file) {
        return read(file, ModelLocator.fromEnvironment());
    }

    /**
     * As {@link #read(Path)}, with {@code models} turning Hub ids in {@code model.*} into directories of the HF
     * cache; a model that cannot be had is an error on its field's line.
     */
    public static TrainConfig read(Path file, ModelLocator models) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, null, "the config file does not exist", e);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, null, "cannot read: " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        TrainConfig parsed = parse(text, file.toString());
        TrainConfig resolved;
        try {
            resolved = parsed.resolve(base, models);
        } catch (FieldError e) {
            String field = e.field();
            YamlLines lines = YamlLines.of(text);
            throw new ConfigException(file.toString(), lines.has(field) ? lines.lineOf(field) : lines.lineOf("model"),
                    field, e.getMessage(), e);
        }
        checkDataExists("data.train", resolved.data().train(), text, file);
        checkDataExists("data.eval", resolved.data().eval(), text, file);
        return resolved;
    }

    /**
     * A data path that names nothing is a config error on its line, before any model loads: the file, the
     * directory of parquet shards, or at least one match of the glob must exist. Its content is checked later.
     */
    private static void checkDataExists(String field, Path spec, String text, Path file) {
        if (spec == null) {
            return;
        }
        String problem = null;
        if (ParquetRows.isParquet(spec)) {
            try {
                ParquetRows.files(spec);
            } catch (IOException e) {
                problem = e.getMessage();
            }
        } else if (!Files.isRegularFile(spec)) {
            problem = spec + ": no such file";
        }
        if (problem != null) {
            YamlLines lines = YamlLines.of(text);
            throw new ConfigException(file.toString(), lines.has(field) ? lines.lineOf(field) : 0, field, problem,
                    null);
        }
    }

    /** Parses YAML text (relative paths stay relative); {@code source} names it in errors. */
    public static TrainConfig parse(String yaml, String source) {
        YamlLines lines = YamlLines.of(yaml);
        if (lines.duplicate() != null) {
            YamlLines.Duplicate d = lines.duplicate();
            throw new ConfigException(source, d.secondLine(), d.path(), "given twice (first on line " + d.firstLine()
                    + "); YAML would keep only the last: remove one", null);
        }
        try {
            TrainConfig config = YAML.readValue(yaml, TrainConfig.class);
            if (config == null) {
                throw new ConfigException(source, 0, null, "the file is empty; it needs at least model.policy and"
                        + " data.train", null);
            }
            return config;
        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            String suggestion = Suggestions.nearest(e.getPropertyName(),
                    e.getKnownPropertyIds() == null ? java.util.List.of() : e.getKnownPropertyIds());
            throw new ConfigException(source, lines.lineOf(field), field, "unknown field '" + e.getPropertyName() + "'"
                    + (suggestion != null ? "; did you mean '" + suggestion + "'?" : "")
                    + "; valid here: " + e.getKnownPropertyIds(), e);
        } catch (ValueInstantiationException e) {
            String section = path(e);
            if (e.getCause() instanceof FieldError fe) {
                String field = section.isEmpty() ? fe.field() : section + "." + fe.field();
                throw new ConfigException(source, lines.has(field) ? lines.lineOf(field) : lines.lineOf(section),
                        field, fe.getMessage(), e);
            }
            String message = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
            throw new ConfigException(source, lines.lineOf(section), section, message, e);
        } catch (InvalidFormatException e) {
            String field = path(e);
            String problem = "cannot read '" + e.getValue() + "' as " + e.getTargetType().getSimpleName();
            if (e.getTargetType().isEnum()) {
                problem = "'" + e.getValue() + "' is not one of " + Arrays.stream(e.getTargetType().getEnumConstants())
                        .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT))
                        .collect(Collectors.joining(", "));
            }
            throw new ConfigException(source, lines.lineOf(field), field, problem, e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)) {
                throw new ConfigException(source, line(syntax.getLocation()), null,
                        "not valid YAML: " + syntax.getOriginalMessage(), e);
            }
            String field = path(e);
            int line = lines.has(field) ? lines.lineOf(field) : line(e.getLocation());
            throw new ConfigException(source, line, field, e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, line(e.getLocation()), null, "not valid YAML: " + e.getOriginalMessage(),
                    e);
        }
    }

    private static int line(JsonLocation loc) {
        return loc == null ? 0 : loc.getLineNr();
    }

    /** {@code servers.policy.base_urls[1]}. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }
}
