package org.prime4j.server.api;

import java.util.List;
import java.util.Map;

/** {@code POST /collective_rpc} (vLLM dev mode): {@code {"method", "args", "kwargs", "timeout"}}. */
public record CollectiveRpcRequest(String method, List<Object> args, Map<String, Object> kwargs, Double timeout) {}
