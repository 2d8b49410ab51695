package org.prime4j.orchestrator.loop;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.prime4j.model.DjlRuntime;

/**
 * One libtorch intra-op thread for a test class, restored afterwards. With several, MKL may change its thread
 * count under load (MKL_DYNAMIC) and with it the summation order, and AdamW's first steps amplify last-bit
 * differences, so runs that must agree bit for bit (resumed and straight, two seeded runs) would agree only
 * most of the time on a busy machine.
 */
final class OneIntraOpThread implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OneIntraOpThread.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        DjlRuntime.pytorch();
        context.getStore(NS).put("threads", JniUtils.getNumThreads());
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        JniUtils.setNumThreads(context.getStore(NS).get("threads", Integer.class));
    }
}
