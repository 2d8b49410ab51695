package org.prime4j.server;

import java.nio.file.Path;

/** Lets tests in sub-packages build the package-private fake model. */
public final class FakeModels {

    private FakeModels() {}

    public static org.prime4j.server.model.ServingModel tiny(Path path) {
        return new FakeServingModel(path, 0, 128);
    }
}
