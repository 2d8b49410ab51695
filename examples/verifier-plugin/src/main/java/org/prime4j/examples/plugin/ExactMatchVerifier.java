package org.prime4j.examples.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import org.prime4j.verifiers.Verification;
import org.prime4j.verifiers.VerificationItem;
import org.prime4j.verifiers.Verifier;

/**
 * A plugin verifier: score 1 when the response's last non-empty line equals the ground truth, ignoring
 * surrounding and repeated whitespace (and case when the item's {@code case_sensitive} field is false).
 * Registered under {@code exact-match} by {@code META-INF/services/org.prime4j.verifiers.Verifier}.
 */
public final class ExactMatchVerifier implements Verifier {

    @Override
    public String name() {
        return "exact-match";
    }

    @Override
    public Verification verify(VerificationItem item) {
        String answer = lastLine(item.response());
        String gold = squeeze(item.groundTruth());
        JsonNode cs = item.field("case_sensitive");
        boolean caseSensitive = cs == null || cs.asBoolean(true);
        boolean same = caseSensitive ? answer.equals(gold) : answer.equalsIgnoreCase(gold);
        return same ? Verification.correct("exact match") : Verification.wrong("'" + answer + "' != '" + gold + "'");
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return squeeze(lines[lines.length - 1]);
    }

    private static String squeeze(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }
}
