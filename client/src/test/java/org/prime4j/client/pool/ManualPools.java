package org.prime4j.client.pool;

import org.prime4j.client.protocol.ApiKey;

/** Pools whose breakers read a {@link ManualClock} and whose health probes run only on {@link ServerPool#probeNow()}. */
final class ManualPools {

    /** Never runs a probe by itself. */
    static final ProbeTrigger ON_DEMAND = (role, interval, round) -> () -> {};

    private ManualPools() {}

    static ServerPool pool(PoolConfig config, ManualClock clock) {
        return new ServerPool(config, ApiKey.none(), clock, ON_DEMAND);
    }
}
