package org.prime4j.server.launch;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads a launch YAML. Every error names the file, the line and the field ({@code servers[1].port}); a
 * misspelt field is an error rather than a silently ignored default.
 */
public final class LaunchConfigReader {

    // A key given twice is an error (YAML parsers otherwise keep the last one silently).
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

    private LaunchConfigReader() {}

    public static LaunchConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("launch config " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read launch config " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses YAML text; {@code source} names it in errors. */
    public static LaunchConfig parse(String yaml, String source) {
        try {
            LaunchConfig config = YAML.readValue(yaml, LaunchConfig.class);
            if (config == null) {
                throw new IllegalArgumentException(source + ": the file is empty; expected a 'servers:' list");
            }
            return config;
        } catch (UnrecognizedPropertyException e) {
            // The parser's location is past the field; the key's own line is the one a user wants.
            int line = keyLine(yaml, e.getPropertyName());
            String where = line > 0 ? source + " line " + line + ", " + path(e) + ": " : where(source, e);
            throw new IllegalArgumentException(where + "unknown field '" + e.getPropertyName()
                    + "'; known fields: " + e.getKnownPropertyIds(), e);
        } catch (ValueInstantiationException e) {
            String message = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException(where(source, e) + message, e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonProcessingException syntax) {
                JsonLocation loc = syntax.getLocation();
                throw new IllegalArgumentException(source + (loc == null ? "" : " line " + loc.getLineNr())
                        + ": not valid YAML: " + syntax.getOriginalMessage(), e);
            }
            throw new IllegalArgumentException(where(source, e) + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new IllegalArgumentException(source + (loc == null ? "" : " line " + loc.getLineNr())
                    + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    private static String where(String source, JsonMappingException e) {
        JsonLocation loc = e.getLocation();
        String path = path(e);
        return source + (loc == null ? "" : " line " + loc.getLineNr()) + (path.isEmpty() ? "" : ", " + path) + ": ";
    }

    /** {@code servers[1].port}. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }

    /** 1-based line where {@code key:} first appears as a mapping key, or 0. */
    private static int keyLine(String yaml, String key) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(
                "^[\\s-]*\"?" + java.util.regex.Pattern.quote(key) + "\"?\\s*:");
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (p.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return 0;
    }
}
