package org.prime4j.app.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.prime4j.server.launch.LaunchConfig;
import org.prime4j.server.launch.LaunchConfigReader;
import org.prime4j.server.launch.LaunchException;
import org.prime4j.server.launch.RunningServer;
import org.prime4j.server.launch.VllmLauncher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "launch", mixinStandardHelpOptions = true,
        description = "Start vLLM servers from a config file and wait until they are healthy.")
final class LaunchCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Launch YAML: a 'servers:' list (see README, 'Running against a local vLLM').")
    Path config;

    @Option(names = "--exit-when-healthy",
            description = "Return once all are healthy, stopping them (a start-up check), instead of serving.")
    boolean exitWhenHealthy;

    @Override
    public Integer call() throws Exception {
        LaunchConfig launch;
        try {
            launch = LaunchConfigReader.read(config);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<RunningServer> servers;
        try {
            servers = new VllmLauncher().startAll(launch);
        } catch (LaunchException e) {
            spec.commandLine().getErr().println("prime4j launch: " + e.getMessage());
            return 1;
        }
        for (RunningServer s : servers) {
            spec.commandLine().getOut().println("healthy: " + s);
        }
        spec.commandLine().getOut().flush();
        if (exitWhenHealthy) {
            servers.forEach(RunningServer::close);
            return 0;
        }
        spec.commandLine().getOut().println("Ctrl-C stops every server.");
        // The launcher's shutdown hook stops the servers when the JVM exits; until then, serve.
        new CountDownLatch(1).await();
        return 0;
    }
}
