package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.config.JoblineConfig;
import io.jobline.testing.KafkaBrokerExtension;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two processor instances (processor and API roles) on one cluster: they share the partitions,
 * and either answers GET /v1/jobs/{id} for any job, forwarding to the owner when it is the other.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TwoInstancesIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldShareThePartitionsAndAnswerTheSameFromEitherInstance() throws Exception {
        String run = KafkaBrokerExtension.newRun();
        try (JoblineRuntime first = start(run);
                JoblineRuntime second = start(run)) {
            ApiClient a = new ApiClient("http://127.0.0.1:" + first.apiPort(), "token-a");
            ApiClient b = new ApiClient("http://127.0.0.1:" + second.apiPort(), "token-a");
            awaitBothOwnPartitions(first, second);

            int jobs = 24;
            for (int i = 0; i < jobs; i++) {
                assertThat(a.post("/v1/jobs?wait=20s", "{\"jobId\":\"two-" + i + "\",\"jobType\":\"t\"}")
                                .status())
                        .as("create two-%d", i)
                        .isEqualTo(201);
            }
            int ownedBySecond = 0;
            for (int i = 0; i < jobs; i++) {
                String id = "two-" + i;
                if (owner(second, id)) {
                    ownedBySecond++;
                }
                ApiClient.Response fromA = a.get("/v1/jobs/" + id);
                ApiClient.Response fromB = b.get("/v1/jobs/" + id);
                assertThat(fromA.status()).as(id).isEqualTo(200);
                assertThat(fromB.status()).as(id).isEqualTo(200);
                assertThat(fromA.body()).as(id).isEqualTo(fromB.body());
                assertThat(fromA.body().path("status").asText()).isEqualTo("scheduled");
                assertThat(a.as("token-b").get("/v1/jobs/" + id).status())
                        .as("another tenant")
                        .isEqualTo(404);
                // A read forwarded to an instance that does not own the job (its sender's metadata
                // is older than a rebalance) must not pass for "no such job".
                ApiClient nonOwner = owner(second, id) ? a : b;
                assertThat(nonOwner.getForwarded("/v1/jobs/" + id).status())
                        .as("%s forwarded to the instance that does not own it", id)
                        .isEqualTo(503);
            }
            assertThat(ownedBySecond).as("jobs owned by the second instance").isBetween(1, jobs - 1);

            // A heartbeat writes no event: the instance that does not own the job asks the owner
            // whether the job has applied it.
            String remote = java.util.stream.IntStream.range(0, jobs)
                    .mapToObj(i -> "two-" + i)
                    .filter(id -> owner(second, id))
                    .findFirst()
                    .orElseThrow();
            assertThat(a.post("/v1/jobs/" + remote + "/start?wait=20s", "{\"workerId\":\"w\",\"leaseId\":\"L\"}")
                            .status())
                    .isEqualTo(200);
            ApiClient.Response beat =
                    a.post("/v1/jobs/" + remote + "/heartbeat?wait=20s", "{\"leaseId\":\"L\",\"commandId\":\"hb-1\"}");
            assertThat(beat.status()).as(beat.text()).isEqualTo(200);
            assertThat(beat.body().path("status").asText()).isEqualTo("running");
            assertThat(b.getForwarded("/v1/jobs/" + remote + "?applied=hb-1").status())
                    .isEqualTo(200);
            assertThat(b.getForwarded("/v1/jobs/" + remote + "?applied=hb-2").status())
                    .as("the owner asked for a command the job has not applied")
                    .isEqualTo(404);
        }
    }

    /**
     * Two instances on two hosts that both advertise the default localhost, and the same port:
     * each takes the other's jobs for its own. A read of such a job must say what to set.
     */
    @Test
    void shouldNameTheSettingWhenTwoInstancesAdvertiseTheSameAddress() throws Exception {
        String run = KafkaBrokerExtension.newRun();
        int port = freePort();
        try (JoblineRuntime first = start(run, "127.0.0.1", port, "localhost");
                JoblineRuntime second = start(run, "127.0.0.2", port, "localhost")) {
            ApiClient a = new ApiClient("http://127.0.0.1:" + port, "token-a");
            awaitBothOwnPartitions(first, second);
            String remote = java.util.stream.IntStream.range(0, 100)
                    .mapToObj(i -> "same-" + i)
                    .filter(id -> !ownsLocally(first, id))
                    .findFirst()
                    .orElseThrow();

            ApiClient.Response read = a.get("/v1/jobs/" + remote);
            assertThat(read.status()).isEqualTo(503);
            assertThat(read.body().path("detail").asText())
                    .contains("another instance advertises the same address", "jobline.api.advertised.host");
        }
    }

    private static JoblineRuntime start(String run) {
        return start(run, "0.0.0.0", 0, "127.0.0.1");
    }

    private static JoblineRuntime start(String run, String bind, int port, String advertised) {
        JoblineConfig config = KAFKA.config(
                "two",
                run,
                Map.of(
                        "jobline.topic.partitions",
                        "6",
                        "jobline.api.bind",
                        bind,
                        "jobline.api.port",
                        String.valueOf(port),
                        "jobline.api.advertised.host",
                        advertised,
                        "jobline.api.tokens",
                        "acme:token-a,globex:token-b"));
        return JoblineRuntime.start(config, EnumSet.of(JoblineRuntime.Role.PROCESSOR, JoblineRuntime.Role.API), false);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Whether {@code runtime}'s own threads hold the partition of {@code jobId}. */
    private static boolean ownsLocally(JoblineRuntime runtime, String jobId) {
        int partition = runtime.streams()
                .queryMetadataForKey("job-state", jobId, Serdes.String().serializer())
                .partition();
        return runtime.streams().metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .anyMatch(tp -> tp.partition() == partition && tp.topic().contains("commands"));
    }

    private static void awaitBothOwnPartitions(JoblineRuntime first, JoblineRuntime second)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!(first.isReady() && second.isReady() && owns(first) && owns(second))) {
            assertThat(System.nanoTime())
                    .as("both instances running with partitions")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static boolean owns(JoblineRuntime runtime) {
        KafkaStreams streams = runtime.streams();
        return streams.state() == KafkaStreams.State.RUNNING
                && streams.metadataForLocalThreads().stream()
                        .anyMatch(t -> !t.activeTasks().isEmpty());
    }

    private static boolean owner(JoblineRuntime runtime, String jobId) {
        var metadata = runtime.streams()
                .queryMetadataForKey("job-state", jobId, Serdes.String().serializer());
        return metadata.activeHost().port() == runtime.apiPort();
    }
}
