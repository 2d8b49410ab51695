package org.prime4j.orchestrator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.model.tokenizer.ChatMessage;
import org.prime4j.testkit.RepoFiles;

/** Parquet prompt files in the Eurus-2-RL-Data layout, read by {@link PromptDataset} through DuckDB. */
class ParquetDatasetTest {

    static final Path FIXTURES = RepoFiles.root().resolve("orchestrator/src/test/resources/fixtures/parquet");
    private static final Path SHARD0 = FIXTURES.resolve("eurus2/train-00000-of-00002.parquet");
    private static final Path SHARD1 = FIXTURES.resolve("eurus2/train-00001-of-00002.parquet");

    @TempDir Path dir;

    private static PromptDataset read(Path spec, BadLinePolicy policy, List<String> warnings) throws IOException {
        return PromptDataset.read(spec, new PromptDataset.Options("prompt", true, "math", policy, false),
                warnings::add);
    }

    private static PromptDataset read(Path spec) throws IOException {
        return read(spec, BadLinePolicy.FAIL, new ArrayList<>());
    }

    @Test
    void aFileGivesMathAndCodeItemsAsTheJsonlReaderWould() throws Exception {
        PromptDataset d = read(SHARD0);
        assertEquals(3, d.size());

        PromptItem math = d.get(0);
        assertEquals(SHARD0 + ":1", math.source());
        assertEquals(1, math.line());
        assertEquals(List.of(new ChatMessage("system", ParquetFixtures.SYSTEM),
                new ChatMessage("user", "Find x if 2x+3=11.")), math.messages());
        assertEquals("math", math.ability());
        assertEquals("4", math.groundTruth());
        assertEquals("numina_olympiads", math.dataSource());
        assertEquals("rule", math.extra().get("reward_model").get("style").asText());
        assertEquals("train", math.extra().get("extra_info").get("split").asText());
        assertEquals(0, math.extra().get("extra_info").get("index").asLong());
        assertTrue(math.extra().get("extra_info").get("index").isIntegralNumber());

        PromptItem code = d.get(1);
        assertEquals(SHARD0 + ":2", code.source());
        assertEquals("code", code.ability());
        assertEquals(ParquetFixtures.CODE_SUM, code.groundTruth(), "a JSON string of test cases stays verbatim");
        assertEquals("taco", code.dataSource());
        assertEquals("What is 19+33+21?", d.get(2).messages().get(1).content());
    }

    @Test
    void theSameRowsAsJsonlGiveTheSameItems() throws Exception {
        Path jsonl = dir.resolve("shard0.jsonl");
        try (Connection c = ParquetRows.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_json(t) FROM read_parquet('" + SHARD0 + "') t")) {
            List<String> lines = new ArrayList<>();
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
            Files.write(jsonl, lines);
        }
        PromptDataset fromJsonl = read(jsonl);
        PromptDataset fromParquet = read(SHARD0);
        assertEquals(fromJsonl.size(), fromParquet.size());
        for (int i = 0; i < fromJsonl.size(); i++) {
            PromptItem a = fromJsonl.get(i);
            PromptItem b = fromParquet.get(i);
            assertEquals(a.messages(), b.messages());
            assertEquals(a.ability(), b.ability());
            assertEquals(a.groundTruth(), b.groundTruth());
            assertEquals(a.dataSource(), b.dataSource());
            assertEquals(a.extra(), b.extra());
            assertEquals(a.line(), b.line());
        }
    }

    @Test
    void aDirectoryReadsItsShardsInNameOrderWithRowsNumberedPerFile() throws Exception {
        PromptDataset d = read(FIXTURES.resolve("eurus2"));
        assertEquals(5, d.size());
        assertEquals(List.of(SHARD0 + ":1", SHARD0 + ":2", SHARD0 + ":3", SHARD1 + ":1", SHARD1 + ":2"),
                d.items().stream().map(PromptItem::source).toList());
        assertEquals(ParquetFixtures.CODE_FN, d.get(3).groundTruth());
        assertEquals("apps", d.get(3).dataSource());
        assertEquals("-42", d.get(4).groundTruth());
        // one read keeps one copy of each repeated string (the system prompt of every row)
        assertSame(d.get(0).messages().get(0).content(), d.get(4).messages().get(0).content());
        assertSame(d.get(0).extra().get("prompt").get(0).get("content"),
                d.get(4).extra().get("prompt").get(0).get("content"));
    }

    @Test
    void aGlobPicksItsFiles() throws Exception {
        PromptDataset all = read(FIXTURES.resolve("eurus2/train-*-of-00002.parquet"));
        assertEquals(5, all.size());
        assertEquals(SHARD1 + ":2", all.get(4).source());
        PromptDataset second = read(FIXTURES.resolve("eurus2/train-0000[1]-of-*.parquet"));
        assertEquals(2, second.size());
        assertEquals(SHARD1 + ":1", second.get(0).source());
        PromptDataset deep = read(FIXTURES.resolve("**/train-00000-*.parquet"));
        assertEquals(3, deep.size());

        IOException none = assertThrows(IOException.class, () -> read(FIXTURES.resolve("eurus2/test-*.parquet")));
        assertEquals(FIXTURES.resolve("eurus2/test-*.parquet") + ": no file matches", none.getMessage());
        IOException missing = assertThrows(IOException.class, () -> read(dir.resolve("nope.parquet")));
        assertEquals(dir.resolve("nope.parquet") + ": no such file", missing.getMessage());
        IOException empty = assertThrows(IOException.class, () -> read(dir));
        assertEquals(dir + ": a directory without .parquet files", empty.getMessage());
    }

    @Test
    void badRowsAreAllReportedAsFileRowFieldProblem() throws Exception {
        Path bad = FIXTURES.resolve("bad.parquet");
        DataException e = assertThrows(DataException.class, () -> read(bad));
        assertEquals(List.of(
                bad + ":2: prompt: missing",
                bad + ":3: prompt: no messages",
                bad + ":4: prompt[0].content: missing or not a string",
                bad + ":5: reward_model.ground_truth (or ground_truth / answer): missing",
                bad + ":6: ability: must be a verifier name, got \"\""), e.problems());
        assertTrue(e.getMessage().startsWith("5 bad lines in " + bad + ":\n  " + bad + ":2: prompt: missing"),
                e.getMessage());

        List<String> warnings = new ArrayList<>();
        PromptDataset kept = read(bad, BadLinePolicy.SKIP, warnings);
        assertEquals(1, kept.size());
        assertEquals(bad + ":1", kept.get(0).source());
        assertEquals(5, warnings.size());
        assertEquals("skipping " + bad + ":2: prompt: missing", warnings.get(0));
    }

    @Test
    void aColumnOfTheWrongTypeIsReportedPerRow() throws Exception {
        Path wrong = FIXTURES.resolve("wrong-types.parquet");
        DataException e = assertThrows(DataException.class, () -> read(wrong));
        assertEquals(List.of(
                wrong + ":1: prompt: must be a string or a list of {role, content} messages, got number",
                wrong + ":2: prompt: must be a string or a list of {role, content} messages, got number"),
                e.problems());
        DataException none = assertThrows(DataException.class, () -> read(wrong, BadLinePolicy.SKIP,
                new ArrayList<>()));
        assertEquals(List.of(wrong + ": no usable prompt in the file"), none.problems());
    }

    @Test
    void aFileThatIsNotParquetIsNamed() throws Exception {
        Path fake = dir.resolve("fake.parquet");
        Files.writeString(fake, "{\"prompt\": \"1+1\", \"answer\": 2}\n");
        DataException e = assertThrows(DataException.class, () -> read(fake));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith(fake + ": not readable as parquet: "), e.problems().get(0));
    }

    @Test
    void theEngineIsOfflineAndItsNativeCopyIsGone() throws Exception {
        try (Connection c = ParquetRows.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('autoinstall_known_extensions'),"
                    + " current_setting('autoload_known_extensions')")) {
                assertTrue(rs.next());
                assertFalse(rs.getBoolean(1));
                assertFalse(rs.getBoolean(2));
            }
            // parquet and json are linked in: nothing to download or load from disk
            try (ResultSet rs = st.executeQuery("SELECT extension_name, install_mode FROM duckdb_extensions()"
                    + " WHERE extension_name IN ('parquet', 'json') ORDER BY 1")) {
                assertTrue(rs.next());
                assertEquals("STATICALLY_LINKED", rs.getString(2), rs.getString(1));
                assertTrue(rs.next());
                assertEquals("STATICALLY_LINKED", rs.getString(2), rs.getString(1));
            }
        }
        Path maps = Path.of("/proc/self/maps");
        if (Files.isReadable(maps)) {
            String mapped = Files.readString(maps);
            assertTrue(mapped.contains("libduckdb_java"), "the native library is loaded");
            assertEquals(List.of(), ParquetRows.mappedNativeCopies(), "the temp copy was deleted once mapped");
        }
    }
}
