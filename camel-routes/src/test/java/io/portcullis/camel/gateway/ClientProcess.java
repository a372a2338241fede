package io.portcullis.camel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A client of another stack (Metro, Spring-WS, WCF, node-soap) run as its own process, with what it printed. */
record ClientProcess(int exit, String out, String err) {

    /**
     * A Java client of another stack: one source file under {@code clientDir}, run by the JDK's
     * source launcher in its own JVM with the libraries {@code .ci/run} fetched into {@code target/lib}
     * (they must not share a classpath with CXF's).
     */
    static ClientProcess java(Path workDir, Path clientDir, String sourceFile, List<String> arguments) throws Exception {
        requireFetched(clientDir);
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", clientDir.resolve("target/lib") + "/*", clientDir.resolve(sourceFile).toString()));
        command.addAll(arguments);
        return run(workDir, command);
    }

    /** @throws IllegalStateException saying how to fetch them, when a Java client's libraries are not there */
    static void requireFetched(Path clientDir) {
        if (!Files.isDirectory(clientDir.resolve("target/lib"))) {
            throw new IllegalStateException(clientDir.getFileName() + " is not fetched: mvn -f camel-routes/src/test/"
                    + clientDir.getFileName() + "/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib (.ci/run does)");
        }
    }

    static ClientProcess run(Path workDir, List<String> command) throws Exception {
        Path out = Files.createTempFile(workDir, "client", ".out");
        Path err = Files.createTempFile(workDir, "client", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("finished: " + command.get(0)).isTrue();
        return new ClientProcess(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
