package org.prime4j.orchestrator.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.prime4j.orchestrator.metrics.NanAsNull;
import org.prime4j.orchestrator.metrics.EventFile;

/**
 * {@code metrics.jsonl}: one JSON object per step, flushed per line, so a killed run keeps every finished
 * step. On resume the lines after the checkpoint's step are dropped first (they belong to steps that will be
 * run again). With a TensorBoard directory, every step also goes there as scalars ({@link TensorBoardScalars}),
 * in a new event file per (resumed) run, the events of dropped steps dropped from the older files alike.
 */
public final class MetricsLog implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(NanAsNull.module());

    private final BufferedWriter out;
    private final EventFile tensorboard;

    private MetricsLog(BufferedWriter out, EventFile tensorboard) {
        this.out = out;
        this.tensorboard = tensorboard;
    }

    /** Opens for appending after keeping only the lines of steps {@code <= keepThroughStep}. */
    public static MetricsLog open(Path file, int keepThroughStep) throws IOException {
        return open(file, keepThroughStep, null);
    }

    /**
     * Opens for appending after keeping only the lines of steps {@code <= keepThroughStep}; with
     * {@code tensorboardDir} (null: none) every step also goes to a new event file there, after the events of
     * later steps have been dropped from the files already there.
     */
    public static MetricsLog open(Path file, int keepThroughStep, Path tensorboardDir) throws IOException {
        if (Files.exists(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && JSON.readTree(line).path("step").asInt(Integer.MAX_VALUE) <= keepThroughStep) {
                    kept.add(line);
                }
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, kept, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        EventFile events = null;
        if (tensorboardDir != null) {
            EventFile.keepThroughStep(tensorboardDir, keepThroughStep);
            events = EventFile.create(tensorboardDir);
        }
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), events);
    }

    public void write(StepMetrics m) throws IOException {
        out.write(JSON.writeValueAsString(m));
        out.newLine();
        out.flush();
        if (tensorboard != null) {
            tensorboard.scalars(m.step(), TensorBoardScalars.of(m));
        }
    }

    /** Every line of a metrics file, parsed. */
    public static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            if (tensorboard != null) {
                tensorboard.close();
            }
        }
    }
}
