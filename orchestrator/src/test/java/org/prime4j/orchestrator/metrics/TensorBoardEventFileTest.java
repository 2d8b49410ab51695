package org.prime4j.orchestrator.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.orchestrator.metrics.proto.Event;

/**
 * The event file writer against files it did not write: {@code python-written.tfevents} was written by
 * {@code src/test/python/tfevents.py} (hand-parsed TFRecord framing, its own CRC32C, protobuf's Python runtime)
 * from {@code python-spec.json}; the same events through {@link EventFile} must give the same bytes.
 */
class TensorBoardEventFileTest {

    private static final String FIXTURES = "/fixtures/tensorboard/";

    record SpecEvent(double wallTime, long step, String fileVersion, LinkedHashMap<String, Double> values) {}

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TensorBoardEventFileTest.class.getResourceAsStream(FIXTURES + name)) {
            return in.readAllBytes();
        }
    }

    /** A clock that reads the given wall times in order. */
    static java.util.function.DoubleSupplier clock(List<Double> times) {
        Iterator<Double> it = times.iterator();
        return it::next;
    }

    @Test
    void writesTheBytesThatThePythonWriterWrote(@TempDir Path dir) throws IOException {
        List<SpecEvent> spec = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .readValue(resource("python-spec.json"), new TypeReference<List<SpecEvent>>() {});
        assertEquals(EventFile.FILE_VERSION, spec.get(0).fileVersion());
        Path written;
        try (EventFile f = EventFile.create(dir, clock(spec.stream().map(SpecEvent::wallTime).toList()), "host")) {
            for (SpecEvent e : spec.subList(1, spec.size())) {
                f.scalars(e.step(), e.values());
            }
            written = f.path();
        }
        assertEquals("events.out.tfevents.1700000000.host.prime4j", written.getFileName().toString());
        assertArrayEquals(resource("python-written.tfevents"), Files.readAllBytes(written));
    }

    @Test
    void theFirstRecordIsTheOneEveryTensorFlowEventFileStartsWith() throws IOException {
        // A 24-byte record (file_version "brain.Event:2" with a wall time): TensorFlow's own files start with
        // these 12 bytes too (length 24, little-endian, then its masked CRC32C).
        byte[] head = Arrays.copyOf(resource("python-written.tfevents"), 12);
        assertEquals("1800000000000000a37f4b22", HexFormat.of().formatHex(head));
        assertEquals("1800000000000000a37f4b22", HexFormat.of().formatHex(Arrays.copyOf(
                TfRecord.frame(Event.newBuilder().setWallTime(1.5).setFileVersion("brain.Event:2").build()
                        .toByteArray()), 12)));
    }

    @Test
    void readsBackAndChecksBothCrcs(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("events.out.tfevents.1.h"), resource("python-written.tfevents"));
        List<Event> events = EventFile.read(f);
        assertEquals(List.of(0L, 1L, 2L, 300L), events.stream().map(Event::getStep).toList());
        assertEquals(EventFile.FILE_VERSION, events.get(0).getFileVersion());
        assertEquals(0.1f, events.get(2).getSummary().getValue(0).getSimpleValue());

        byte[] corrupt = resource("python-written.tfevents");
        corrupt[60] ^= 1; // inside the second record's data (the first record is bytes 0-39)
        IOException e = assertThrows(IOException.class, () -> TfRecord.unframe(corrupt, true));
        assertTrue(e.getMessage().contains("data CRC"), e.getMessage());
        byte[] badLength = resource("python-written.tfevents");
        badLength[0] ^= 1;
        e = assertThrows(IOException.class, () -> TfRecord.unframe(badLength, true));
        assertTrue(e.getMessage().contains("length CRC"), e.getMessage());
    }

    @Test
    void nonFiniteValuesAreLeftOutOfTheStep(@TempDir Path dir) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("a/x", 1.0);
        values.put("a/nan", Double.NaN);
        values.put("a/inf", Double.POSITIVE_INFINITY);
        values.put("a/null", null);
        try (EventFile f = EventFile.create(dir, () -> 5.0, "h")) {
            f.scalars(7, values);
        }
        assertEquals(Map.of("a/x", Map.of(7L, 1.0f)), EventFile.scalars(dir));
    }

    @Test
    void aSecondFileInTheSameSecondGetsItsOwnName(@TempDir Path dir) throws IOException {
        try (EventFile a = EventFile.create(dir, () -> 9.0, "h"); EventFile b = EventFile.create(dir, () -> 9.0, "h")) {
            assertEquals("events.out.tfevents.9.h.prime4j", a.path().getFileName().toString());
            assertEquals("events.out.tfevents.9.h.prime4j-2", b.path().getFileName().toString());
        }
        assertEquals(2, EventFile.list(dir).size());
    }

    @Test
    void resumeDropsLaterStepsAndATornLastRecord(@TempDir Path dir) throws IOException {
        Path first;
        try (EventFile f = EventFile.create(dir, () -> 100.0, "h")) {
            for (int step = 1; step <= 4; step++) {
                f.scalars(step, Map.of("x", (double) step));
            }
            first = f.path();
        }
        // A kill in the middle of writing step 5.
        byte[] step5 = TfRecord.frame(Event.newBuilder().setStep(5).build().toByteArray());
        Files.write(first, Arrays.copyOf(step5, step5.length - 3), java.nio.file.StandardOpenOption.APPEND);
        assertEquals(5, EventFile.read(first).size(), "the torn record is not read");

        EventFile.keepThroughStep(dir, 2);
        assertEquals(List.of(0L, 1L, 2L), EventFile.read(first).stream().map(Event::getStep).toList());
        TfRecord.unframe(Files.readAllBytes(first), false); // nothing torn left

        try (EventFile g = EventFile.create(dir, () -> 200.0, "h")) {
            g.scalars(3, Map.of("x", 30.0));
        }
        assertEquals(Map.of("x", Map.of(1L, 1f, 2L, 2f, 3L, 30f)), EventFile.scalars(dir));
        byte[] before = Files.readAllBytes(first);
        EventFile.keepThroughStep(dir, 3);
        assertArrayEquals(before, Files.readAllBytes(first), "a file without later steps is left alone");
    }
}
