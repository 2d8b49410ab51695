package org.prime4j.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.prime4j.model.DjlRuntime;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code prime4j} command line: one subcommand per job. */
@Command(
        name = "prime4j",
        mixinStandardHelpOptions = true,
        versionProvider = Prime4jCli.Version.class,
        description = "PRIME (Process Reinforcement through Implicit Rewards) for reasoning LLMs, on the JVM.",
        subcommands = {
            DemoCommand.class,
            SftCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            ServeCommand.class,
            LaunchCommand.class,
            MergeCommand.class,
            VerifyCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Prime4jCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Show INFO/DEBUG logs, DJL's included.")
    void setVerbose(boolean verbose) {
        if (verbose) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
            ((Logger) LoggerFactory.getLogger("ai.djl")).setLevel(Level.INFO);
            ((Logger) LoggerFactory.getLogger("ai.djl.util.cuda.CudaUtils")).setLevel(Level.INFO);
            ((Logger) LoggerFactory.getLogger("org.prime4j")).setLevel(Level.DEBUG);
        }
    }

    @Override
    public void run() {
        // No subcommand: show what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Prime4jCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(Prime4jCli::oneLineUsageError);
        cl.setExecutionExceptionHandler(CliErrors::handle);
        return cl;
    }

    /** A bad argument is one line on stderr (what is wrong, a suggestion if any, where help is), exit 2. */
    static int oneLineUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        String message = String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", "; ");
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        String name = c.getCommandSpec().qualifiedName();
        c.getErr().println(name + ": " + message + " (see '" + name + " --help')");
        c.getErr().flush();
        return c.getCommandSpec().exitCodeOnInvalidInput();
    }

    public static void main(String[] args) {
        DjlRuntime.offline();
        System.exit(commandLine().execute(args));
    }

    /** Reads the version Maven wrote at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Prime4jCli.class.getResourceAsStream("/org/prime4j/app/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "prime4j " + p.getProperty("version", "unknown"),
                "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
