package org.prime4j.orchestrator.data;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What reading a large parquet prompt file costs (not a unit test: run by hand, see BENCHMARKS.md "parquet").
 * Writes N rows in the Eurus-2-RL-Data layout (a fixed system prompt of ~1,300 characters, as Eurus-2's, and a
 * ~300-character user question that differs per row, a short ground truth) to a temp file, reads it with
 * {@link PromptDataset}, and prints the file size, the time, the heap the items hold after a full GC, the heap
 * and resident-set peaks (the JVM's and the native engine's) and the temp file's removal.
 *
 * <pre>
 * java -Xmx6g -cp orchestrator/target/test-classes:orchestrator/target/classes:model/target/classes:$(cat cp.txt) \
 *   org.prime4j.orchestrator.data.ParquetMemoryBench 1000000 [stream-only]
 * </pre>
 * With {@code stream-only} it stops after streaming the rows (run it with a small heap, e.g. -Xmx256m, to see
 * the engine's own memory).
 */
public final class ParquetMemoryBench {

    private ParquetMemoryBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("prime4j-parquet-bench");
        Path file = dir.resolve("train.parquet");
        String system = (ParquetFixtures.SYSTEM + " ").repeat(8).substring(0, 1300);
        long t0 = System.nanoTime();
        try (Connection c = ParquetRows.connect(); Statement st = c.createStatement()) {
            st.execute("SET threads = 2");
            st.execute("COPY (SELECT [{'content': '" + system.replace("'", "''") + "', 'role': 'system'},"
                    + " {'content': 'Problem ' || i || ': ' || repeat('Let x be a real number such that x^2 = '"
                    + " || (i % 97) || '. ', 6), 'role': 'user'}] AS prompt, 'math' AS ability,"
                    + " {'ground_truth': (i % 97)::VARCHAR, 'style': 'rule'} AS reward_model,"
                    + " 'numina_synthetic_math' AS data_source, {'index': i, 'split': 'train'} AS extra_info"
                    + " FROM range(" + n + ") r(i)) TO '" + file + "' (FORMAT parquet)");
        }
        System.out.printf("wrote %,d rows, %,d bytes in %.1f s%n", n, Files.size(file), (System.nanoTime() - t0) / 1e9);

        // The engine alone: stream every row and drop it, so what grows is DuckDB's native memory.
        long rss0 = status("VmRSS");
        long[] chars = {0};
        t0 = System.nanoTime();
        ParquetRows.read(List.of(file), (row, json) -> chars[0] += json.length(), f -> { });
        System.out.printf("streamed %,d JSON chars in %.1f s; RSS %,d -> %,d MiB (peak %,d MiB)%n", chars[0],
                (System.nanoTime() - t0) / 1e9, rss0 >> 10, status("VmRSS") >> 10, status("VmHWM") >> 10);
        if (args.length > 1 && args[1].equals("stream-only")) {
            Files.delete(file);
            Files.delete(dir);
            return;
        }

        long before = usedAfterGc();
        long rssBefore = status("VmRSS");
        t0 = System.nanoTime();
        PromptDataset d = PromptDataset.read(file, new PromptDataset.Options("prompt", true, "math",
                BadLinePolicy.FAIL, false), w -> { });
        double seconds = (System.nanoTime() - t0) / 1e9;
        long held = usedAfterGc() - before;
        long peakHeap = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("read %,d items in %.1f s (%,.0f rows/s)%n", d.size(), seconds, d.size() / seconds);
        System.out.printf("heap held by the items after GC: %,d MiB (%,d bytes per row)%n", held >> 20, held / n);
        System.out.printf("heap peak (sum of pools): %,d MiB; RSS before %,d MiB, now %,d MiB, peak %,d MiB%n",
                peakHeap >> 20, rssBefore >> 10, status("VmRSS") >> 10, status("VmHWM") >> 10);
        System.out.println("first: " + d.get(0).source() + " last: " + d.get(d.size() - 1).source());
        Files.delete(file);
        Files.delete(dir);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** A /proc/self/status field in KiB (0 where there is none). */
    private static long status(String field) throws Exception {
        Path p = Path.of("/proc/self/status");
        if (!Files.isReadable(p)) {
            return 0;
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(p));
        for (String l : lines) {
            if (l.startsWith(field + ":")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
