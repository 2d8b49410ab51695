package org.prime4j.verifiers.math;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.matheclipse.core.interfaces.IExpr;

/**
 * Decides whether a predicted answer equals the gold one, trying the cheap tests first: normalized string,
 * labels dropped when only one side has them ({@link Labels}), ratios term by term, inequalities in one
 * variable as intervals ({@link Intervals}), decimal commas, matrices cell by cell, equations and
 * inequalities, tuples/intervals/sets element by element (a bare list against a tuple in order), numbers
 * (relative tolerance 1e-4, with the x100 and /100 readings when a percent sign was written), and finally
 * symbolic equality through the computer-algebra system, each CAS call under a time limit.
 */
public final class MathEquivalence {

    private static final Pattern MATRIX = Pattern.compile(
            "^\\\\begin\\{(pmatrix|bmatrix|Bmatrix|vmatrix|Vmatrix|matrix|array)\\}(?:\\{[^{}]*\\})?(.*)\\\\end\\{\\1\\}$",
            Pattern.DOTALL);
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z ]*");
    private static final String[] RELATIONS = {"\\leq", "\\geq", "\\neq", "\\lt", "\\gt", "<", ">", "="};
    private static final int MAX_DEPTH = 4;

    private final Duration casLimit;

    /** @param casLimit the time one computer-algebra evaluation may take */
    public MathEquivalence(Duration casLimit) {
        this.casLimit = Objects.requireNonNull(casLimit, "casLimit");
    }

    /**
     * @param predicted the answer extracted from a response
     * @param gold      the reference answer, plain or in {@code $...$}
     * @return how they matched ({@code string}, {@code numeric}, {@code symbolic}, ...), or empty when they
     *         differ or could not be shown equal
     */
    public Optional<String> match(String predicted, String gold) {
        return decide(predicted, gold).how();
    }

    /**
     * The comparison with its working shown.
     *
     * @param predicted the answer extracted from a response
     * @param gold      the reference answer
     * @return both normalized forms and how they matched (empty when they differ)
     */
    public Decision decide(String predicted, String gold) {
        boolean percent = AnswerNormalizer.hasPercent(predicted) || AnswerNormalizer.hasPercent(gold);
        String p = AnswerNormalizer.normalize(predicted);
        String g = AnswerNormalizer.normalize(gold);
        return new Decision(p, g, match(p, g, percent, 0));
    }

    /** The normalized predicted and gold answers and the rule that found them equal, if one did. */
    public record Decision(String predicted, String gold, Optional<String> how) {}

    private Optional<String> match(String p, String g, boolean percent, int depth) {
        if (p.isEmpty() || g.isEmpty()) {
            return Optional.empty();
        }
        if (AnswerNormalizer.compact(p).equals(AnswerNormalizer.compact(g))) {
            return Optional.of("string");
        }
        if (isWord(p) || isWord(g)) { // "Evelyn", "even", "ellipse": words, not algebra
            return p.equalsIgnoreCase(g) ? Optional.of("string") : Optional.empty();
        }
        if (depth > MAX_DEPTH) {
            return Optional.empty();
        }
        boolean pLabeled = Labels.labeled(p);
        boolean gLabeled = Labels.labeled(g);
        if (pLabeled != gLabeled) {
            // "(p,q) = (3,2)" against "(3,2)", "k = 45, n = 2" against "45, 2": the names go when the other side has none.
            String pv = pLabeled ? Labels.strip(p) : p;
            String gv = gLabeled ? Labels.strip(g) : g;
            return match(pv, gv, percent, depth + 1).map(how -> how + ", labels dropped");
        }
        if (p.indexOf(':') >= 0 || g.indexOf(':') >= 0) {
            List<String> pRatio = Latex.splitTopLevel(p, ":");
            List<String> gRatio = Latex.splitTopLevel(g, ":");
            if (pRatio.size() > 1 || gRatio.size() > 1) {
                return ratiosEqual(pRatio, gRatio, percent, depth) ? Optional.of("ratio") : Optional.empty();
            }
        }
        Optional<Intervals.Set> pi = Intervals.of(p);
        Optional<Intervals.Set> gi = Intervals.of(g);
        if (pi.isPresent() || gi.isPresent()) {
            // "-2 \\leq x \\leq 7" against "[-2, 7]": an inequality in one variable is the set it describes.
            boolean bothRelations = pi.isPresent() && gi.isPresent();
            boolean twoSimple = bothRelations && Relation.parse(p).isPresent() && Relation.parse(g).isPresent();
            if (twoSimple) {
                if (relationsEqual(Relation.parse(p).get(), Relation.parse(g).get(), percent, depth)) {
                    return Optional.of("relation");
                }
            }
            if (bothRelations && pi.get().variable().equals(gi.get().variable())
                    || !bothRelations && Intervals.isIntervalLike(pi.isPresent() ? g : p)) {
                Optional<String> how = match(pi.map(Intervals.Set::text).orElse(p), gi.map(Intervals.Set::text).orElse(g),
                        percent, depth + 1);
                if (how.isPresent() || !bothRelations) {
                    return how.map(h -> h + " from inequality");
                }
            }
        }
        Optional<String> decimalComma = decimalComma(p, g, percent);
        if (decimalComma.isPresent()) {
            return decimalComma;
        }
        Optional<List<List<String>>> pm = matrix(p);
        Optional<List<List<String>>> gm = matrix(g);
        if (pm.isPresent() || gm.isPresent()) {
            return pm.isPresent() && gm.isPresent() && cellsEqual(pm.get(), gm.get(), percent, depth)
                    ? Optional.of("matrix") : Optional.empty();
        }
        Optional<Relation> pr = Relation.parse(p);
        Optional<Relation> gr = Relation.parse(g);
        List<String> chain = Latex.splitTopLevel(p, "=");
        if (gr.isEmpty() && chain.size() >= 2 && Relation.countRelations(p) == chain.size() - 1
                && Latex.splitTopLevel(p, ",").size() == 1) {
            // "180 + 24 = 204" against "204": the value the working ends on is the answer.
            return match(chain.get(chain.size() - 1).strip(), g, percent, depth + 1);
        }
        if (pr.isPresent() || gr.isPresent()) {
            return pr.isPresent() && gr.isPresent() && relationsEqual(pr.get(), gr.get(), percent, depth)
                    ? Optional.of("relation") : Optional.empty();
        }
        Optional<AnswerGroup> pg = AnswerGroup.parse(p);
        Optional<AnswerGroup> gg = AnswerGroup.parse(g);
        if (pg.isPresent() || gg.isPresent()) {
            return pg.isPresent() && gg.isPresent() && groupsEqual(pg.get(), gg.get(), percent, depth)
                    ? Optional.of(gg.get().kind()) : Optional.empty();
        }
        Optional<Numbers.Value> pn = Numbers.parse(p);
        Optional<Numbers.Value> gn = Numbers.parse(g);
        if (pn.isPresent() && gn.isPresent()) {
            return numbersEqual(pn.get(), gn.get(), percent) ? Optional.of("numeric") : Optional.empty();
        }
        return symbolic(p, g, percent) ? Optional.of("symbolic") : Optional.empty();
    }

    /** 11:21 against 11:21 or 22:42, and a two-term ratio against its quotient; never the CAS on a colon. */
    private boolean ratiosEqual(List<String> p, List<String> g, boolean percent, int depth) {
        if (p.size() == g.size()) {
            boolean termwise = true;
            for (int i = 0; i < p.size() && termwise; i++) {
                termwise = same(p.get(i), g.get(i), percent, depth);
            }
            if (termwise || p.size() != 2) {
                return termwise;
            }
            Optional<Numbers.Value> a = Numbers.parse(p.get(0).strip());
            Optional<Numbers.Value> b = Numbers.parse(p.get(1).strip());
            Optional<Numbers.Value> c = Numbers.parse(g.get(0).strip());
            Optional<Numbers.Value> d = Numbers.parse(g.get(1).strip());
            return a.isPresent() && b.isPresent() && c.isPresent() && d.isPresent() && b.get().value() != 0 && d.get().value() != 0
                    && Numbers.close(a.get().value() / b.get().value(), c.get().value() / d.get().value());
        }
        List<String> ratio = p.size() == 2 ? p : g.size() == 2 ? g : null;
        List<String> single = p.size() == 1 ? p : g.size() == 1 ? g : null;
        if (ratio == null || single == null) {
            return false;
        }
        return same("\\frac{" + ratio.get(0).strip() + "}{" + ratio.get(1).strip() + "}", single.get(0), percent, depth);
    }

    private static final Pattern DECIMAL_COMMA = Pattern.compile("^(-?)(\\d+),(\\d+)$");

    /**
     * "2,74" against "2.74": a comma that cannot separate thousands (not followed by exactly three digits
     * after at most three) is read as a decimal comma when the other side is a decimal fraction.
     */
    private static Optional<String> decimalComma(String p, String g, boolean percent) {
        for (int side = 0; side < 2; side++) {
            String a = side == 0 ? p : g;
            String b = side == 0 ? g : p;
            Matcher m = DECIMAL_COMMA.matcher(a);
            if (!m.matches() || m.group(3).length() == 3 && m.group(2).length() <= 3) {
                continue;
            }
            Optional<Numbers.Value> other = Numbers.parse(b);
            if (other.isEmpty() || other.get().integer()) {
                continue;
            }
            Optional<Numbers.Value> read = Numbers.parse(m.group(1) + m.group(2) + "." + m.group(3));
            return read.isPresent() && numbersEqual(read.get(), other.get(), percent) ? Optional.of("numeric, decimal comma")
                    : Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean isWord(String s) {
        return s.length() >= 3 && WORD.matcher(s).matches();
    }

    private static boolean numbersEqual(Numbers.Value p, Numbers.Value g, boolean percent) {
        if (Numbers.close(p, g)) {
            return true;
        }
        return percent && (Numbers.close(p.value(), g.value() * 100) || Numbers.close(p.value(), g.value() / 100));
    }

    private boolean symbolic(String p, String g, boolean percent) {
        Optional<IExpr> pe = SymjaCas.parse(p);
        Optional<IExpr> ge = SymjaCas.parse(g);
        if (pe.isEmpty() || ge.isEmpty()) {
            return false;
        }
        if (SymjaCas.equal(pe.get(), ge.get(), casLimit)) {
            return true;
        }
        return percent && (SymjaCas.equal(pe.get(), ge.get().times(org.matheclipse.core.expression.F.C100), casLimit)
                || SymjaCas.equal(pe.get().times(org.matheclipse.core.expression.F.C100), ge.get(), casLimit));
    }

    private boolean same(String a, String b, boolean percent, int depth) {
        return match(a.strip(), b.strip(), percent, depth + 1).isPresent();
    }

    private boolean cellsEqual(List<List<String>> a, List<List<String>> b, boolean percent, int depth) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int r = 0; r < a.size(); r++) {
            if (a.get(r).size() != b.get(r).size()) {
                return false;
            }
            for (int c = 0; c < a.get(r).size(); c++) {
                if (!same(a.get(r).get(c), b.get(r).get(c), percent, depth)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean relationsEqual(Relation p, Relation g, boolean percent, int depth) {
        if (!p.op().equals(g.op())) {
            return false;
        }
        if (same(p.lhs(), g.lhs(), percent, depth) && same(p.rhs(), g.rhs(), percent, depth)) {
            return true;
        }
        boolean symmetric = p.op().equals("=") || p.op().equals("\\neq");
        if (symmetric && same(p.lhs(), g.rhs(), percent, depth) && same(p.rhs(), g.lhs(), percent, depth)) {
            return true;
        }
        // Same solution set: (rhs - lhs) of one is a constant multiple of the other's (positive for < and <=).
        Optional<IExpr> pl = SymjaCas.parse(p.lhs());
        Optional<IExpr> prr = SymjaCas.parse(p.rhs());
        Optional<IExpr> gl = SymjaCas.parse(g.lhs());
        Optional<IExpr> grr = SymjaCas.parse(g.rhs());
        if (pl.isEmpty() || prr.isEmpty() || gl.isEmpty() || grr.isEmpty()) {
            return false;
        }
        return SymjaCas.proportional(prr.get().subtract(pl.get()), grr.get().subtract(gl.get()), !symmetric, casLimit);
    }

    private boolean groupsEqual(AnswerGroup p, AnswerGroup g, boolean percent, int depth) {
        if (p.items().size() != g.items().size()) {
            return false;
        }
        boolean bothOrdered = p.ordered() && g.ordered();
        if (bothOrdered) {
            if (!p.open().equals(g.open()) || !p.close().equals(g.close())) {
                return false;
            }
            for (int i = 0; i < p.items().size(); i++) {
                if (!same(p.items().get(i), g.items().get(i), percent, depth)) {
                    return false;
                }
            }
            return true;
        }
        if (p.isSet() != g.isSet() && (p.ordered() || g.ordered())) {
            return false; // a tuple is not a set
        }
        if (p.ordered() || g.ordered()) {
            // "3, 5" for the pair "(3, 5)": the items in their order; a bare list cannot say an interval is half-open.
            AnswerGroup tuple = p.ordered() ? p : g;
            AnswerGroup other = p.ordered() ? g : p;
            if (!other.list() || !tuple.open().equals("(") || !tuple.close().equals(")")) {
                return false;
            }
            for (int i = 0; i < p.items().size(); i++) {
                if (!same(p.items().get(i), g.items().get(i), percent, depth)) {
                    return false;
                }
            }
            return true;
        }
        // Unordered: every predicted element pairs with a distinct gold element.
        List<String> left = new ArrayList<>(g.items());
        for (String item : p.items()) {
            int hit = -1;
            for (int j = 0; j < left.size() && hit < 0; j++) {
                if (same(item, left.get(j), percent, depth)) {
                    hit = j;
                }
            }
            if (hit < 0) {
                return false;
            }
            left.remove(hit);
        }
        return true;
    }

    private static Optional<List<List<String>>> matrix(String s) {
        String t = s.strip();
        if (t.length() > 2 && "([".indexOf(t.charAt(0)) >= 0 && t.substring(1).strip().startsWith("\\begin{") && Latex.isOneGroup(t)) {
            t = t.substring(1, t.length() - 1).strip(); // \\left[\\begin{array}{cc}...\\end{array}\\right]
        }
        Matcher m = MATRIX.matcher(t);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<List<String>> rows = new ArrayList<>();
        for (String row : m.group(2).split("\\\\\\\\")) {
            if (row.isBlank()) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : row.split("&")) {
                cells.add(cell.strip());
            }
            rows.add(cells);
        }
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows);
    }

    /** {@code lhs op rhs} with a single top-level relation, written with {@code <} or {@code \leq} facing right. */
    record Relation(String lhs, String op, String rhs) {
        static Optional<Relation> parse(String s) {
            if (countRelations(s) != 1) {
                return Optional.empty(); // none, or a chain such as 1 < x < 2 that is compared as text
            }
            for (String op : RELATIONS) {
                List<String> parts = Latex.splitTopLevel(s, op);
                if (parts.size() == 2) {
                    String l = parts.get(0).strip();
                    String r = parts.get(1).strip();
                    if (l.isEmpty() || r.isEmpty()) {
                        return Optional.empty();
                    }
                    return Optional.of(switch (op) {
                        case ">", "\\gt" -> new Relation(r, "<", l);
                        case "\\lt" -> new Relation(l, "<", r);
                        case "\\geq" -> new Relation(r, "\\leq", l);
                        default -> new Relation(l, op, r);
                    });
                }
            }
            return Optional.empty();
        }

        /** The LaTeX relation commands contain none of the characters {@code < > =}, so none is counted twice. */
        static int countRelations(String s) {
            int n = 0;
            for (String op : RELATIONS) {
                n += Latex.splitTopLevel(s, op).size() - 1;
            }
            return n;
        }
    }
}
