package org.prime4j.orchestrator.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.prime4j.orchestrator.metrics.proto.Event;
import org.prime4j.orchestrator.metrics.proto.Summary;

/**
 * A TensorBoard event file of scalars ({@code events.out.tfevents.<unix seconds>.<host>.prime4j}), as
 * {@code tensorboard --logdir} and {@code wandb sync --sync-tensorboard} read it: a first event carrying
 * {@code file_version "brain.Event:2"}, then one event per step with a summary value per tag. Append-only; every
 * step is flushed as it is written, so a killed run keeps every finished step.
 */
public final class EventFile implements AutoCloseable {

    public static final String FILE_VERSION = "brain.Event:2";
    static final String MARKER = "tfevents";

    private final Path path;
    private final OutputStream out;
    private final DoubleSupplier wallTime;

    private EventFile(Path path, OutputStream out, DoubleSupplier wallTime) {
        this.path = path;
        this.out = out;
        this.wallTime = wallTime;
    }

    /** A new event file in {@code dir} (created if needed), named after the clock and this host. */
    public static EventFile create(Path dir) throws IOException {
        return create(dir, () -> System.currentTimeMillis() / 1000.0, hostname());
    }

    /** With a given clock (seconds since the epoch) and host name: tests write reproducible files. */
    public static EventFile create(Path dir, DoubleSupplier wallTime, String host) throws IOException {
        Files.createDirectories(dir);
        double now = wallTime.getAsDouble();
        String base = "events.out." + MARKER + "." + (long) now + "." + host + ".prime4j";
        // A resume within the same second must not append to (or clobber) the file of the run before.
        for (int n = 1; ; n++) {
            Path p = dir.resolve(n == 1 ? base : base + "-" + n);
            try {
                OutputStream o = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                EventFile f = new EventFile(p, o, wallTime);
                f.append(Event.newBuilder().setWallTime(now).setStep(0).setFileVersion(FILE_VERSION).build());
                return f;
            } catch (FileAlreadyExistsException e) {
                // next suffix
            }
        }
    }

    public Path path() {
        return path;
    }

    /** One event: every scalar of one step under its tag; non-finite values are left out. */
    public void scalars(long step, Map<String, Double> values) throws IOException {
        Summary.Builder s = Summary.newBuilder();
        values.forEach((tag, v) -> {
            if (v != null && Double.isFinite(v)) {
                s.addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue(v.floatValue()));
            }
        });
        append(Event.newBuilder().setWallTime(wallTime.getAsDouble()).setStep(step).setSummary(s).build());
    }

    private void append(Event e) throws IOException {
        out.write(TfRecord.frame(e.toByteArray()));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The events of one file; a torn last record (a kill mid-write) is dropped. */
    public static List<Event> read(Path file) throws IOException {
        List<Event> out = new ArrayList<>();
        try {
            for (byte[] r : TfRecord.unframe(Files.readAllBytes(file), true)) {
                out.add(Event.parseFrom(r));
            }
        } catch (IOException e) {
            throw new IOException(file + ": not a readable event file (" + e.getMessage() + "); move it away, or"
                    + " set run.tensorboard: false", e);
        }
        return out;
    }

    /** The event files of a directory, in name order (the order TensorBoard reads them in). */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(MARKER) && !p.toString().endsWith(".tmp"))
                    .sorted().toList();
        }
    }

    /**
     * Before a resume from {@code step}: drops from every event file of {@code dir} the events of later steps
     * (they belong to steps that will run again), as metrics.jsonl drops its lines. A file is rewritten only
     * when it has such events, through a temporary file and an atomic rename.
     */
    public static void keepThroughStep(Path dir, long step) throws IOException {
        for (Path f : list(dir)) {
            List<Event> all = read(f);
            List<Event> kept = all.stream().filter(e -> e.getStep() <= step).toList();
            if (kept.size() == all.size() && Files.size(f) == framedSize(all)) {
                continue;
            }
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.write(tmp, TfRecord.frameAll(kept.stream().map(Event::toByteArray).toList()));
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static long framedSize(List<Event> events) {
        return events.stream().mapToLong(e -> 16L + e.getSerializedSize()).sum();
    }

    /** This machine's name, as TensorFlow's writer puts it in the file name; "localhost" when unknown. */
    static String hostname() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "localhost";
            }
        }
        return h.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Every scalar of a directory's event files: tag to step to value (later files win), for tests and tools. */
    public static Map<String, Map<Long, Float>> scalars(Path dir) throws IOException {
        Map<String, Map<Long, Float>> out = new java.util.TreeMap<>();
        for (Path f : list(dir)) {
            for (Event e : read(f)) {
                for (Summary.Value v : e.getSummary().getValueList()) {
                    out.computeIfAbsent(v.getTag(), t -> new java.util.TreeMap<>()).put(e.getStep(), v.getSimpleValue());
                }
            }
        }
        return out;
    }
}
