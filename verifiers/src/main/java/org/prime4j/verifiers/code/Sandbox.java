package org.prime4j.verifiers.code;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Python script on untrusted input, isolated: an unprivileged uid (one per concurrent run), a new
 * network namespace (no network at all), a new pid namespace (killing its init kills everything, and nothing
 * outside is visible), a fresh private working directory (a size-capped tmpfs, gone with the sandbox), and
 * only system directories visible. The script gets its stdin from a file and writes its stdout to a file that the sandbox
 * cannot name, so the caller's job and result stay out of the program's reach.
 *
 * <p>Two implementations of the same isolation: bubblewrap (user, pid, net, ipc, uts, mount namespaces over a
 * minimal read-only root: {@code /usr}, {@code /lib*}, {@code /bin}, {@code /etc/alternatives}) and, where
 * bubblewrap does not work, util-linux {@code unshare} (net, pid, mount; every top-level directory but
 * {@code /usr}, {@code /lib*}, {@code /bin}, {@code /sbin}, {@code /etc}, {@code /dev} hidden under an empty
 * tmpfs) + {@code setpriv}. {@link #open} probes them on this machine and refuses when neither isolates.
 */
public final class Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

    /** Top-level directories the unshare variant leaves visible (read access still follows file modes). */
    private static final Set<String> SYSTEM_DIRS =
            Set.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "dev", "proc");

    private static final String PROBE = String.join("\n",
            "import errno, os, socket",
            "if os.getuid() == 0 or os.geteuid() == 0:",
            "    print('still root')",
            "    raise SystemExit",
            "s = socket.socket()",
            "s.settimeout(2)",
            "try:",
            "    s.connect(('192.0.2.1', 9))",
            "    print('network reachable')",
            "except OSError as e:",
            "    print('isolated' if e.errno == errno.ENETUNREACH else 'network: ' + str(e))",
            "");

    /**
     * sh, as root in the new mount namespace: $1 the tmpfs options of the working directory, then how many
     * directories follow to hide, those, and the command to exec. The working directory (the current one) is
     * mounted over and entered first, so that hiding its parent later leaves it reachable as ".".
     */
    private static final String MOUNT_HIDE_EXEC = "mount -t tmpfs -o \"$1\" prime4j . && cd . || exit 97; "
            + "n=$2; shift 2; while [ \"$n\" -gt 0 ]; do "
            + "mount -t tmpfs -o size=1m,mode=0755 prime4j \"$1\" || exit 97; shift; n=$((n - 1)); done; "
            + "exec \"$@\"";

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private static final Duration PROBE_TIME = Duration.ofSeconds(15);
    private static final Duration REAP_TIME = Duration.ofSeconds(5);

    private final SandboxMode kind;
    private final Path python;
    private final long workDirBytes;
    private final boolean root;
    private final Map<String, Path> tools;
    private final UidPool uids;
    /** The unshare variant's directories to hide; empty for bwrap. */
    private final List<String> hidden;

    private Sandbox(SandboxMode kind, CodeVerifierConfig config, boolean root, Map<String, Path> tools) {
        this.kind = kind;
        this.hidden = kind == SandboxMode.UNSHARE ? hiddenDirs() : List.of();
        this.python = config.python();
        this.workDirBytes = config.limits().workDirBytes();
        this.root = root;
        this.tools = tools;
        this.uids = UidPool.forRange(config.firstUid(), config.uidCount());
    }

    /**
     * Finds an isolation that works here: for {@link SandboxMode#AUTO} bubblewrap, else unshare + setpriv.
     *
     * @throws SandboxUnavailableException with what each candidate lacked
     */
    public static Sandbox open(CodeVerifierConfig config) throws SandboxUnavailableException, InterruptedException {
        boolean root = currentUid() == 0;
        List<SandboxMode> candidates = config.sandbox() == SandboxMode.AUTO
                ? List.of(SandboxMode.BWRAP, SandboxMode.UNSHARE) : List.of(config.sandbox());
        List<String> failures = new ArrayList<>();
        for (SandboxMode kind : candidates) {
            try {
                Sandbox s = new Sandbox(kind, config, root, tools(kind, root));
                String answer = new String(s.run(PROBE, new byte[0], PROBE_TIME).stdout(),
                        StandardCharsets.UTF_8).strip();
                if (answer.equals("isolated")) {
                    LOG.debug("code sandbox: {} (root: {})", kind, root);
                    return s;
                }
                failures.add(kind + ": probe says '" + answer + "'");
            } catch (IOException | UncheckedIOException e) {
                failures.add(kind + ": " + e.getMessage());
            }
        }
        throw new SandboxUnavailableException("sandbox unavailable (" + String.join("; ", failures) + ")");
    }

    /** {@link SandboxMode#BWRAP} or {@link SandboxMode#UNSHARE}. */
    public SandboxMode kind() {
        return kind;
    }

    /**
     * Runs {@code python -I -S -B -c script} in a fresh sandbox (without site: the script adds the system's
     * packages itself). Blocks until it exits or {@code wall} runs out; on timeout or interrupt the whole
     * sandbox is killed and reaped before this returns (or rethrows).
     */
    public SandboxRun run(String script, byte[] stdin, Duration wall) throws IOException, InterruptedException {
        int uid = uids.take();
        try {
            return runAs(uid, script, stdin, wall);
        } finally {
            uids.give(uid);
        }
    }

    private SandboxRun runAs(int uid, String script, byte[] stdin, Duration wall)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("prime4j-code-", OWNER_ONLY_DIR);
        try {
            // the job (with its nonce) and the result stay owner-only; the sandbox only inherits their fds
            Path in = Files.write(Files.createFile(dir.resolve("stdin"), OWNER_ONLY_FILE), stdin);
            Path out = Files.createFile(dir.resolve("stdout"), OWNER_ONLY_FILE);
            // the working directory is a size-capped tmpfs that dies with the sandbox's mount namespace:
            // bwrap mounts it at /box, the unshare variant over this (root-only) mount point
            Path box = kind == SandboxMode.UNSHARE ? Files.createDirectory(dir.resolve("box")) : Path.of("/");
            ProcessBuilder pb = new ProcessBuilder(command(uid, script))
                    .directory(box.toFile())
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = pb.environment();
            env.clear();
            env.put("PATH", "/usr/bin:/bin");
            env.put("HOME", kind == SandboxMode.BWRAP ? "/box" : box.toString()); // cosmetic: cwd is home
            env.put("LANG", "C.UTF-8");
            // one BLAS/OpenMP thread: threads count against RLIMIT_NPROC
            env.put("OPENBLAS_NUM_THREADS", "1");
            env.put("OMP_NUM_THREADS", "1");
            env.put("MKL_NUM_THREADS", "1");
            Process p = pb.start();
            boolean killed = false;
            try {
                killed = !p.waitFor(wall.toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                if (killed || p.isAlive()) {
                    killAndReap(p);
                }
            }
            return new SandboxRun(Files.readAllBytes(out), killed, killed ? -1 : p.exitValue());
        } finally {
            deleteTree(dir);
        }
    }

    private List<String> command(int uid, String script) {
        List<String> cmd = new ArrayList<>();
        if (kind == SandboxMode.BWRAP) {
            if (root) {
                // as root bwrap would map the sandbox to uid 0 outside, where RLIMIT_NPROC is not enforced
                cmd.addAll(dropRoot(uid));
            }
            cmd.addAll(List.of(tools.get("bwrap").toString(), "--unshare-all", "--die-with-parent",
                    "--new-session", "--as-pid-1", "--hostname", "sandbox", "--ro-bind", "/usr", "/usr"));
            for (String d : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
                Path p = Path.of("/", d);
                if (Files.isSymbolicLink(p)) {
                    cmd.addAll(List.of("--symlink", readLink(p), p.toString()));
                } else if (Files.isDirectory(p)) {
                    cmd.addAll(List.of("--ro-bind", p.toString(), p.toString()));
                }
            }
            cmd.addAll(List.of("--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
                    "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                    "--proc", "/proc", "--dev", "/dev",
                    "--size", "1048576", "--tmpfs", "/tmp",
                    "--perms", "0700", "--size", String.valueOf(workDirBytes), "--tmpfs", "/box",
                    "--chdir", "/box"));
        } else {
            // unshare kills its child when it dies, but does not die with the JVM by itself
            cmd.addAll(List.of(tools.get("setpriv").toString(), "--pdeathsig", "KILL"));
            cmd.addAll(List.of(tools.get("unshare").toString(), "--net", "--pid", "--fork", "--kill-child",
                    "--mount", "--mount-proc", "--", tools.get("sh").toString(), "-c", MOUNT_HIDE_EXEC, "sh",
                    "size=" + workDirBytes + ",mode=0700,uid=" + uid + ",gid=" + uid,
                    String.valueOf(hidden.size())));
            cmd.addAll(hidden);
            cmd.addAll(dropRoot(uid));
        }
        cmd.addAll(List.of(python.toString(), "-I", "-S", "-B", "-c", script));
        return cmd;
    }

    private List<String> dropRoot(int uid) {
        // the parent-death signal is reset by a uid change: setpriv sets it again after dropping root
        return List.of(tools.get("setpriv").toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--pdeathsig", "KILL");
    }

    private static List<String> hiddenDirs() {
        List<String> dirs = new ArrayList<>();
        try (DirectoryStream<Path> top = Files.newDirectoryStream(Path.of("/"))) {
            for (Path p : top) {
                String name = p.getFileName().toString();
                if (!SYSTEM_DIRS.contains(name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(p.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dirs.sort(null);
        return dirs;
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGKILLs everything under the launcher, the pid namespace's init first, then waits for the launcher to
     * reap it and exit. The kernel kills the rest of the namespace when its init dies and only lets the init be
     * reaped once they are all gone; killing the launcher first instead would orphan the init to the host's
     * pid 1, which may leave it a zombie for a while.
     */
    private static void killAndReap(Process p) {
        List<ProcessHandle> under;
        try (Stream<ProcessHandle> d = p.descendants()) {
            under = d.toList();
        }
        under.forEach(ProcessHandle::destroyForcibly);
        boolean interrupted = false;
        long until = System.nanoTime() + REAP_TIME.toNanos();
        while (p.isAlive() && System.nanoTime() < until) {
            try {
                p.waitFor(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true; // finish reaping first: the uid goes back to the pool after this
            }
        }
        if (p.isAlive()) {
            LOG.warn("sandbox launcher {} did not exit {} after its namespace was killed", p.pid(), REAP_TIME);
            p.destroyForcibly();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete sandbox dir {}: {}", dir, e.toString());
        }
    }

    private static Map<String, Path> tools(SandboxMode kind, boolean root) throws IOException {
        List<String> names = new ArrayList<>(
                kind == SandboxMode.BWRAP ? List.of("bwrap") : List.of("unshare", "sh"));
        if (root) {
            names.add("setpriv");
        } else if (kind == SandboxMode.UNSHARE) {
            throw new IOException("unshare + setpriv needs root (bubblewrap does not)");
        }
        Map<String, Path> found = new HashMap<>();
        for (String name : names) {
            found.put(name, which(name).orElseThrow(() -> new IOException(name + " not found")));
        }
        return Map.copyOf(found);
    }

    private static Optional<Path> which(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin"));
        return dirs.stream().filter(d -> d.startsWith("/")).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst();
    }

    private static int currentUid() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Uid:")).findFirst()
                    .map(l -> Integer.parseInt(l.split("\\s+")[2])) // effective uid
                    .orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }
}
