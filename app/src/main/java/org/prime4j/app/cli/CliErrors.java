package org.prime4j.app.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * Every CLI error is one line on stderr: {@code prime4j <command>: <what is wrong>}. A command reports what it
 * expects itself; this is the net under all of them, so an exception no command anticipated still prints one
 * line (the stack trace only with {@code -v}) and exits 2 for bad input, 1 otherwise.
 */
final class CliErrors {

    /** Exit status for a bad command line, option value or input file (README: "Exit codes"). */
    static final int BAD_INPUT = 2;
    /** Exit status for a run that failed. */
    static final int FAILED = 1;

    private CliErrors() {}

    /** The execution exception handler of {@link Prime4jCli#commandLine()}. */
    static int handle(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + describe(e)
                + (verbose(parsed) ? "" : " (-v shows the stack trace)"));
        if (verbose(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof IllegalArgumentException ? BAD_INPUT : FAILED;
    }

    /**
     * One line for {@code e}: its message with line breaks folded, a file-system error as {@code path: reason}
     * (Java's message is the bare path), and the exception's type when the message alone would not say what
     * happened (a bug rather than bad input).
     */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof FileSystemException f) {
            String reason = e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "already exists"
                    : e instanceof NotDirectoryException ? "not a directory"
                    : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            message = f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason;
        } else if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        } else if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.IOException)) {
            message = e.getClass().getSimpleName() + ": " + message;
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("-v")) {
                return true;
            }
        }
        return false;
    }
}
