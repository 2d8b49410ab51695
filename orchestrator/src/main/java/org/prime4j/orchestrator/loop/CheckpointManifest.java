package org.prime4j.orchestrator.loop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code manifest.json} of a checkpoint: every other file's relative path, size and SHA-256. It is written
 * last, so its presence says the files before it were complete, and its hashes catch a file truncated or
 * overwritten afterwards (a full disk, a copy cut short, a stray write). Hashing also reads every byte back,
 * and each file is fsynced as it is hashed: the directory rename of {@code AtomicDirectory} syncs only the
 * top level, and the weights live one level down.
 *
 * <pre>
 *   {"format": 1, "files": [{"path": "policy/model.safetensors", "size": 123, "sha256": "ab12..."}, ...]}
 * </pre>
 */
final class CheckpointManifest {

    static final String FILE = "manifest.json";
    private static final int FORMAT = 1;
    private static final int BUFFER = 1 << 20;

    private CheckpointManifest() {}

    /** Hashes and fsyncs every file under {@code dir}, then writes the manifest beside them. */
    static void write(Path dir) throws IOException {
        ObjectNode root = MetricsLog.JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode files = root.putArray("files");
        for (Path f : files(dir)) {
            ObjectNode entry = files.addObject();
            entry.put("path", relative(dir, f));
            entry.put("size", Files.size(f));
            entry.put("sha256", sha256(f, true));
        }
        Files.writeString(dir.resolve(FILE), root.toPrettyString());
    }

    /**
     * What is wrong with the files of {@code dir} against its manifest (a missing, truncated or changed file, a
     * malformed manifest), or null when all match. The manifest must exist: the caller decides what its
     * absence means.
     */
    static String problem(Path dir) throws IOException {
        JsonNode root;
        try {
            root = MetricsLog.JSON.readTree(Files.readAllBytes(dir.resolve(FILE)));
        } catch (IOException e) { // JsonProcessingException, or CharConversionException for bytes not in UTF-8
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            return FILE + " is not valid JSON (" + String.valueOf(why).replaceAll("\\s*\\R\\s*", " ") + ")";
        }
        if (root == null || root.isMissingNode() || !root.path("files").isArray()) {
            return FILE + " is " + (root == null || root.isMissingNode() ? "empty" : "malformed (no \"files\" list)");
        }
        if (root.path("format").asInt() != FORMAT) {
            return FILE + " has unknown format " + root.path("format");
        }
        for (JsonNode entry : root.path("files")) {
            String path = entry.path("path").asText("");
            if (path.isEmpty() || !entry.path("size").canConvertToLong() || !entry.path("sha256").isTextual()) {
                return FILE + " is malformed (entry " + entry + ")";
            }
            Path f = dir.resolve(path).normalize();
            if (!f.startsWith(dir.normalize())) {
                return FILE + " names " + path + ", outside the checkpoint";
            }
            if (!Files.isRegularFile(f)) {
                return path + " is missing";
            }
            long size = Files.size(f);
            long expected = entry.path("size").asLong();
            if (size != expected) {
                return path + " has " + size + " bytes, the manifest says " + expected
                        + (size < expected ? " (truncated)" : "");
            }
            String hash = sha256(f, false);
            if (!hash.equals(entry.path("sha256").asText())) {
                return path + " does not match its SHA-256 in the manifest (the file changed after it was written)";
            }
        }
        return null;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !f.equals(dir.resolve(FILE)))
                    .sorted()
                    .toList();
        }
    }

    private static String relative(Path dir, Path f) {
        return dir.relativize(f).toString().replace('\\', '/');
    }

    private static String sha256(Path f, boolean sync) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                digest.update(buf);
                buf.clear();
            }
            if (sync) {
                ch.force(true);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
