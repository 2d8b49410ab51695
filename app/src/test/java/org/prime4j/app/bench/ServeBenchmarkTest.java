package org.prime4j.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prime4j.server.FakeModels;

/** The benchmark's bookkeeping on the fake model: every path answers, and each row counts what it sent. */
class ServeBenchmarkTest {

    @Test
    void measuresEveryPathWithTheRequestedShape(@TempDir Path dir) throws Exception {
        ServeBenchmark.Result r = ServeBenchmark.run(FakeModels.tiny(dir),
                new ServeBenchmark.Settings(3, 4, List.of(1, 2), 2));

        assertEquals(12, r.direct().tokens());
        assertEquals(3, r.directOneToken().tokens());
        assertEquals(3, r.http().size());
        assertEquals(12, r.http().get(0).tokens(), "ignore_eos: every request runs to max_tokens");
        assertEquals(3, r.http().get(1).tokens());
        assertEquals(2, r.http().get(2).concurrency());
        assertEquals(12, r.http().get(2).tokens());
        for (ServeBenchmark.Row row : List.of(r.direct(), r.directOneToken(), r.http().get(0), r.http().get(2))) {
            assertTrue(row.seconds() > 0, row.toString());
        }

        String table = ServeBenchmark.markdown(r);
        assertTrue(table.startsWith("| path | concurrency | requests | tokens | tokens/s | ms/request | largest batch |"),
                table);
        assertEquals(2 + 5, table.lines().takeWhile(l -> l.startsWith("|")).count(), table);
        assertTrue(table.contains("HTTP overhead per request"), table);
    }
}
