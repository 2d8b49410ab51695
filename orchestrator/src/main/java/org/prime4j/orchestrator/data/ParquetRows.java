package org.prime4j.orchestrator.data;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Parquet prompt files (Eurus-2-RL-Data, veRL), read with DuckDB's embedded engine: a file, a directory of
 * shards (its {@code *.parquet}, by name) or a glob ({@code data/train-*.parquet}, {@code **} crosses
 * directories). Each row comes out as the JSON object DuckDB's {@code to_json} makes of it (structs become
 * objects, lists arrays), so a parquet row and a JSONL line go through the same checks. Rows are streamed a
 * vector (2,048 rows) at a time: nothing holds a whole file.
 *
 * <p>The engine runs offline: parquet and json are linked into the driver, and it is told neither to install
 * nor to load extensions (it would otherwise fetch unknown ones on first use), nor to spill to a temp
 * directory. The driver copies its native library (~70 MB) to {@code java.io.tmpdir} and only deletes it at
 * JVM exit; on Linux the copy is deleted as soon as it is mapped, so a killed JVM leaves nothing behind.
 */
public final class ParquetRows {

    /** One row: 1-based within its file, as a JSON object's text. */
    public interface RowSink {
        void accept(int row, String json);
    }

    private ParquetRows() {}

    /** A parquet file, a glob, or a directory (parquet shards); anything else is read as JSONL. */
    public static boolean isParquet(Path spec) {
        String s = spec.toString();
        return s.endsWith(".parquet") || isGlob(s) || Files.isDirectory(spec);
    }

    /** The files a spec names, sorted by path. */
    public static List<Path> files(Path spec) throws IOException {
        String s = spec.toString();
        List<Path> out = new ArrayList<>();
        if (isGlob(s)) {
            int i = 0;
            while (i < spec.getNameCount() && !isGlob(spec.getName(i).toString())) {
                i++;
            }
            Path root = spec.getRoot();
            Path lead = i == 0 ? null : spec.subpath(0, i);
            Path base = root == null ? (lead == null ? Path.of("") : lead) : (lead == null ? root : root.resolve(lead));
            Path rest = spec.subpath(i, spec.getNameCount());
            int depth = rest.toString().contains("**") ? Integer.MAX_VALUE : rest.getNameCount();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
            if (Files.isDirectory(base)) {
                try (Stream<Path> walk = Files.walk(base, depth)) {
                    walk.filter(p -> matcher.matches(base.relativize(p)) && Files.isRegularFile(p)).forEach(out::add);
                }
            }
            if (out.isEmpty()) {
                throw new IOException(spec + ": no file matches");
            }
        } else if (Files.isDirectory(spec)) {
            try (Stream<Path> list = Files.list(spec)) {
                list.filter(p -> p.getFileName().toString().endsWith(".parquet") && Files.isRegularFile(p))
                        .forEach(out::add);
            }
            if (out.isEmpty()) {
                throw new IOException(spec + ": a directory without .parquet files");
            }
        } else if (Files.isRegularFile(spec)) {
            out.add(spec);
        } else {
            throw new IOException(spec + ": no such file");
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    /**
     * Streams every row of each file in order.
     *
     * @throws DataException when a file is not readable as parquet ({@code file: not a parquet file: why})
     */
    public static void read(List<Path> files, RowSink rowsOf, java.util.function.Consumer<Path> startOf)
            throws IOException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (Path file : files) {
                startOf.accept(file);
                String literal = "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
                int row = 0;
                try (ResultSet rs = st.executeQuery("SELECT to_json(t) FROM read_parquet(" + literal + ") t")) {
                    while (rs.next()) {
                        rowsOf.accept(++row, rs.getString(1));
                    }
                } catch (SQLException e) {
                    String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                    String where = row == 0 ? file.toString() : file + ":" + (row + 1);
                    throw new DataException(file.toString(), List.of(where + ": not readable as parquet: " + why));
                }
            }
        } catch (SQLException e) {
            throw new IOException("parquet engine (DuckDB): " + e.getMessage(), e);
        }
    }

    /** An in-memory DuckDB that never reaches for the network or writes spill files. */
    static Connection connect() throws SQLException {
        loadNative();
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        p.setProperty("allow_community_extensions", "false");
        p.setProperty("jdbc_stream_results", "true");
        p.setProperty("temp_directory", "");
        p.setProperty("threads", "1");
        return DriverManager.getConnection("jdbc:duckdb:", p);
    }

    private static boolean loaded;

    /**
     * Loads the driver (which copies its native library to the temp directory and loads it), then deletes that
     * copy where the OS allows it while mapped (Linux: found in /proc/self/maps).
     */
    static synchronized void loadNative() throws SQLException {
        if (loaded) {
            return;
        }
        try {
            Class.forName("org.duckdb.DuckDBDriver");
            Class.forName("org.duckdb.DuckDBNative");
        } catch (ClassNotFoundException e) {
            throw new SQLException("the DuckDB JDBC driver is not on the class path", e);
        }
        loaded = true;
        for (Path lib : mappedNativeCopies()) {
            try {
                Files.deleteIfExists(lib);
            } catch (IOException | SecurityException e) {
                // left to the driver's deleteOnExit
            }
        }
    }

    /** The driver's temp copies of its native library mapped into this process (Linux only; else none). */
    static List<Path> mappedNativeCopies() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return List.of();
        }
        String tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize().toString();
        List<Path> out = new ArrayList<>();
        try (Stream<String> lines = Files.lines(maps)) {
            lines.map(l -> l.indexOf('/') < 0 ? "" : l.substring(l.indexOf('/')))
                    .filter(p -> p.matches(".*/libduckdb_java\\d*\\.so") && Path.of(p).getParent() != null
                            && Path.of(p).getParent().normalize().toString().equals(tmp))
                    .distinct()
                    .map(Path::of)
                    .forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }
}
