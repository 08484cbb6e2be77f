package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first of the README's two commands, as a user runs it: {@code ./jobline dev} as a separate
 * process, driven over HTTP, stopped with SIGTERM.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DevModeIT {

    @Test
    void shouldRunALifecycleOverHttpStopCleanlyOnSigtermAndKeepTheJobsOnRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("jobline-dev-it");
        int port = freePort();
        ApiClient api = new ApiClient("http://127.0.0.1:" + port, null);
        Path log = dataDir.resolve("dev.log");
        Process dev = startDev(port, dataDir, log, api);
        try {
            assertThat(read(log)).contains("jobline dev is up", "curl");

            ApiClient.Response created = api.post("/v1/jobs?wait=10s", "{\"jobId\":\"dev-1\",\"jobType\":\"report\"}");
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.body().path("status").asText()).isEqualTo("scheduled");
            assertThat(api.post("/v1/jobs/dev-1/start?wait=10s", "{\"workerId\":\"w\",\"leaseId\":\"L\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(api.post("/v1/jobs/dev-1/complete?wait=10s", "{\"leaseId\":\"L\"}")
                            .body()
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            assertThat(api.get("/v1/jobs/dev-1").body().path("status").asText()).isEqualTo("completed");
            assertThat(ApiScenario.awaitHistory(api, "dev-1", 4))
                    .containsExactly("job.created", "job.scheduled", "job.started", "job.completed");
            assertThat(api.post("/v1/jobs/dev-1/start?wait=10s", "{\"workerId\":\"w\"}")
                            .status())
                    .isEqualTo(409);
        } finally {
            stop(dev, log);
        }

        Path secondLog = dataDir.resolve("dev-restarted.log");
        Process restarted = startDev(port, dataDir, secondLog, api);
        try {
            assertThat(api.get("/v1/jobs/dev-1").body().path("status").asText())
                    .as("the job survived the restart")
                    .isEqualTo("completed");
        } finally {
            stop(restarted, secondLog);
        }
    }

    private static Process startDev(int port, Path dataDir, Path log, ApiClient api) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                launcher().toString(), "dev", "--port", Integer.toString(port), "--data-dir", dataDir.toString()));
        Process dev = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (api.get("/readyz").status() != 200) {
            assertThat(dev.isAlive())
                    .as("jobline dev is running; its log:%n%s", read(log))
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("ready in time; log:%n%s", read(log))
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
        return dev;
    }

    private static void stop(Process dev, Path log) throws InterruptedException {
        long stopping = System.nanoTime();
        dev.destroy(); // SIGTERM
        boolean exited = dev.waitFor(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - stopping) / 1e9;
        assertThat(exited).as("exited after SIGTERM; log:%n%s", read(log)).isTrue();
        assertThat(dev.exitValue()).as("exit code; log:%n%s", read(log)).isZero();
        assertThat(read(log)).contains("SIGTERM received", "jobline dev: stopped");
        assertThat(seconds).as("stopped within a few seconds").isLessThan(15);
    }

    static Path launcher() {
        Path script = Path.of(System.getProperty("jobline.schemas.dir"), "..", "jobline")
                .normalize();
        assertThat(script).as("the launcher at the repository root").isExecutable();
        return script;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
