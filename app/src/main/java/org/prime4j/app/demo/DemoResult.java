package org.prime4j.app.demo;

import java.nio.file.Path;
import org.prime4j.orchestrator.eval.EvalResult;
import org.prime4j.orchestrator.loop.TrainingSummary;

/** What the demo did: held-out greedy accuracy before and after PRIME, and where everything was written. */
public record DemoResult(Path out, EvalResult before, EvalResult after, TrainingSummary training, double minutes,
                         Path metrics, Path plot, Path summary) {}
