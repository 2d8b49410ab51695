package org.prime4j.orchestrator.data;

import java.util.List;

/** Bad dataset lines, each as {@code file:line: field: problem}; thrown after the whole file was checked. */
public final class DataException extends IllegalArgumentException {

    private static final int SHOWN = 20;

    private final List<String> problems;

    public DataException(String file, List<String> problems) {
        super(problems.size() + " bad line" + (problems.size() == 1 ? "" : "s") + " in " + file + ":\n  "
                + String.join("\n  ", problems.subList(0, Math.min(SHOWN, problems.size())))
                + (problems.size() > SHOWN ? "\n  ... and " + (problems.size() - SHOWN) + " more" : ""));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
