package org.prime4j.orchestrator.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * JSON has no NaN or infinity: a metric without a value (a batch with one class has no AUC, a sync run no
 * staleness) is written as null, which every JSON reader and pandas take as missing.
 */
public final class NanAsNull extends StdSerializer<Double> {

    private NanAsNull() {
        super(Double.class);
    }

    /** A Jackson module that writes every non-finite double and Double as null. */
    public static SimpleModule module() {
        return new SimpleModule().addSerializer(Double.class, new NanAsNull())
                .addSerializer(double.class, new NanAsNull());
    }

    @Override
    public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
        if (v == null || !Double.isFinite(v)) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }
}
