package org.prime4j.orchestrator.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.prime4j.testkit.RepoFiles;

/**
 * Writes the parquet fixtures under {@code orchestrator/src/test/resources/fixtures/parquet} with DuckDB, in the
 * Eurus-2-RL-Data / veRL layout: {@code prompt} a list of {@code {content, role}} structs, {@code ability},
 * {@code reward_model {ground_truth, style}}, {@code data_source}, {@code extra_info {index, split}}. Run once
 * after changing it (from the repository root, after {@code mvn -pl orchestrator -am test-compile}):
 * <pre>
 * java -cp orchestrator/target/test-classes:orchestrator/target/classes:testkit/target/classes:$(ls \
 *   ~/.m2/repository/org/duckdb/duckdb_jdbc/*&#47;duckdb_jdbc-*.jar) org.prime4j.orchestrator.data.ParquetFixtures
 * </pre>
 * The files: {@code eurus2/train-0000{0,1}-of-00002.parquet} (two shards, math and code rows),
 * {@code arithmetic.parquet} (prompts of the shipped arithmetic SFT model, for a training step),
 * {@code bad.parquet} (one good row, then one bad row per check) and {@code wrong-types.parquet}
 * ({@code prompt} as a number column).
 */
public final class ParquetFixtures {

    /** Eurus-2's system prompt, shortened (the real one lists the [ASSESS]/[ADVANCE]/... actions at length). */
    static final String SYSTEM = "When tackling complex reasoning tasks, you have access to the following actions."
            + " Use them as needed to progress through your thought process.\n\n[ASSESS]\n\n[ADVANCE]\n\n[VERIFY]";
    static final String CODE_SUM = "{\"inputs\": [\"1 2\\n\", \"5 7\\n\"], \"outputs\": [\"3\\n\", \"12\\n\"]}";
    static final String CODE_FN = "{\"fn_name\": \"add\", \"inputs\": [[1, 2], [3, 4]], \"outputs\": [3, 7]}";

    private static final String EURUS = "prompt STRUCT(content VARCHAR, role VARCHAR)[], ability VARCHAR,"
            + " reward_model STRUCT(ground_truth VARCHAR, style VARCHAR), data_source VARCHAR,"
            + " extra_info STRUCT(index BIGINT, split VARCHAR)";
    private static final String ROW = "([{'content': ?, 'role': 'system'}, {'content': ?, 'role': 'user'}], ?,"
            + " {'ground_truth': ?, 'style': 'rule'}, ?, {'index': ?, 'split': 'train'})";

    private ParquetFixtures() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0])
                : RepoFiles.root().resolve("orchestrator/src/test/resources/fixtures/parquet");
        write(dir);
        System.out.println("wrote " + dir);
    }

    static void write(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("eurus2"));
        try (Connection c = ParquetRows.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE shard0 (" + EURUS + ")");
            eurus(c, "shard0", "Find x if 2x+3=11.", "math", "4", "numina_olympiads", 0);
            eurus(c, "shard0", "Write a program that reads two integers a and b and prints a+b.", "code", CODE_SUM,
                    "taco", 1);
            eurus(c, "shard0", "What is 19+33+21?", "math", "73", "numina_synthetic_math", 2);
            copy(st, "shard0", dir.resolve("eurus2/train-00000-of-00002.parquet"));

            st.execute("CREATE TABLE shard1 (" + EURUS + ")");
            eurus(c, "shard1", "Write a function add(a, b) that returns a+b.", "code", CODE_FN, "apps", 3);
            eurus(c, "shard1", "What is 76-93-25?", "math", "-42", "numina_amc_aime", 4);
            copy(st, "shard1", dir.resolve("eurus2/train-00001-of-00002.parquet"));

            // The shipped arithmetic SFT model's prompts (examples/arithmetic), as one user message each.
            st.execute("CREATE TABLE arithmetic (" + EURUS + ")");
            int[][] sums = {{19, 33, 21}, {75, 32, 72}, {12, 40, 8}, {66, 11, 5}, {3, 94, 27}, {50, 25, 13},
                {81, 7, 44}, {28, 62, 9}};
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO arithmetic VALUES ([{'content': ?,"
                    + " 'role': 'user'}], 'math', {'ground_truth': ?, 'style': 'rule'}, 'prime4j-arithmetic',"
                    + " {'index': ?, 'split': 'train'})")) {
                for (int i = 0; i < sums.length; i++) {
                    int[] s = sums[i];
                    ps.setString(1, "What is " + s[0] + "+" + s[1] + "+" + s[2] + "?\n");
                    ps.setString(2, Integer.toString(s[0] + s[1] + s[2]));
                    ps.setLong(3, i);
                    ps.executeUpdate();
                }
            }
            copy(st, "arithmetic", dir.resolve("arithmetic.parquet"));

            // Row 1 good, then one problem per row.
            st.execute("CREATE TABLE bad (" + EURUS + ")");
            eurus(c, "bad", "What is 1+1?", "math", "2", "numina_olympiads", 0);
            st.execute("INSERT INTO bad VALUES (NULL, 'math', {'ground_truth': '2', 'style': 'rule'}, 'x',"
                    + " {'index': 1, 'split': 'train'})");
            st.execute("INSERT INTO bad VALUES ([], 'math', {'ground_truth': '2', 'style': 'rule'}, 'x',"
                    + " {'index': 2, 'split': 'train'})");
            st.execute("INSERT INTO bad VALUES ([{'content': NULL, 'role': 'user'}], 'math',"
                    + " {'ground_truth': '2', 'style': 'rule'}, 'x', {'index': 3, 'split': 'train'})");
            st.execute("INSERT INTO bad VALUES ([{'content': 'What is 2+2?', 'role': 'user'}], 'math', NULL, 'x',"
                    + " {'index': 4, 'split': 'train'})");
            st.execute("INSERT INTO bad VALUES ([{'content': 'What is 3+3?', 'role': 'user'}], '',"
                    + " {'ground_truth': '6', 'style': 'rule'}, 'x', {'index': 5, 'split': 'train'})");
            copy(st, "bad", dir.resolve("bad.parquet"));

            st.execute("CREATE TABLE wrong_types (prompt BIGINT, ability VARCHAR,"
                    + " reward_model STRUCT(ground_truth VARCHAR, style VARCHAR))");
            st.execute("INSERT INTO wrong_types VALUES (42, 'math', {'ground_truth': '2', 'style': 'rule'}),"
                    + " (7, 'math', {'ground_truth': '3', 'style': 'rule'})");
            copy(st, "wrong_types", dir.resolve("wrong-types.parquet"));
        }
    }

    private static void eurus(Connection c, String table, String question, String ability, String truth,
                              String source, long index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES " + ROW)) {
            ps.setString(1, SYSTEM);
            ps.setString(2, question);
            ps.setString(3, ability);
            ps.setString(4, truth);
            ps.setString(5, source);
            ps.setLong(6, index);
            ps.executeUpdate();
        }
    }

    private static void copy(Statement st, String table, Path file) throws SQLException {
        st.execute("COPY " + table + " TO '" + file.toAbsolutePath().toString().replace("'", "''")
                + "' (FORMAT parquet)");
    }
}
