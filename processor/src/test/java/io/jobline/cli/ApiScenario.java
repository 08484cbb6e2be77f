package io.jobline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.config.JoblineConfig;
import io.jobline.testing.KafkaBrokerExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The API's end-to-end acceptance, run against whatever Kafka (and PostgreSQL) a test provides:
 * an in-JVM broker, or Testcontainers' Kafka where Docker exists.
 */
final class ApiScenario {

    static final String ACME = "token-acme";
    static final String GLOBEX = "token-globex";

    private ApiScenario() {}

    /** Configuration for a runtime on {@code bootstrap}, with fresh topic names and two tenants. */
    static JoblineConfig config(String bootstrap, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "jobline.topic.partitions", "3",
                "jobline.api.port", "0",
                "jobline.api.tokens", "acme:" + ACME + ",globex:" + GLOBEX));
        settings.putAll(extra);
        return JoblineConfig.of(
                KafkaBrokerExtension.settings(bootstrap, "api", KafkaBrokerExtension.newRun(), settings));
    }

    static void awaitReady(JoblineRuntime runtime) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!runtime.isReady()) {
            assertThat(System.nanoTime()).as("the runtime became ready").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /**
     * Create with wait, start, complete, read back; refusals (409, 400, 404, 401) and tenancy.
     *
     * @param withDatabase whether the sink and PostgreSQL run, so history and lists can be checked
     */
    static void run(int port, boolean withDatabase) throws InterruptedException {
        ApiClient acme = new ApiClient("http://127.0.0.1:" + port, ACME);
        ApiClient globex = acme.as(GLOBEX);
        ApiClient anonymous = acme.as(null);

        ApiClient.Response created = acme.post(
                "/v1/jobs?wait=10s",
                "{\"jobId\":\"api-1\",\"jobType\":\"report\",\"payload\":{\"day\":\"2026-11-29\"}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location()).isEqualTo("/v1/jobs/api-1");
        assertThat(created.body().path("status").asText()).isEqualTo("scheduled");
        assertThat(created.body().path("tenant").asText()).isEqualTo("acme");

        ApiClient.Response started =
                acme.post("/v1/jobs/api-1/start?wait=10s", "{\"workerId\":\"w-1\",\"leaseId\":\"L1\"}");
        assertThat(started.status()).isEqualTo(200);
        assertThat(started.body().path("status").asText()).isEqualTo("running");
        // A heartbeat writes no event, nor does a command sent again: the wait ends when the job
        // has applied it (else it would last all 20 s and answer 202 "pending").
        for (int send = 0; send < 2; send++) {
            ApiClient.Response beat =
                    acme.post("/v1/jobs/api-1/heartbeat?wait=20s", "{\"leaseId\":\"L1\",\"commandId\":\"hb-1\"}");
            assertThat(beat.status())
                    .as("heartbeat, sent %d times: %s", send + 1, beat.text())
                    .isEqualTo(200);
            assertThat(beat.body().path("status").asText()).isEqualTo("running");
        }
        ApiClient.Response completed =
                acme.post("/v1/jobs/api-1/complete?wait=10s", "{\"leaseId\":\"L1\",\"result\":{\"rows\":3}}");
        assertThat(completed.body().path("status").asText()).isEqualTo("completed");
        assertThat(acme.get("/v1/jobs/api-1").body().path("status").asText()).isEqualTo("completed");

        ApiClient.Response restart = acme.post("/v1/jobs/api-1/start?wait=10s", "{\"workerId\":\"w-1\"}");
        assertThat(restart.status()).isEqualTo(409);
        assertThat(restart.contentType()).startsWith("application/problem+json");
        assertThat(restart.body().path("reason").asText()).isEqualTo("invalid_transition");

        ApiClient.Response malformed = acme.post("/v1/jobs", "{\"jobType\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        ApiClient.Response invalid = acme.post("/v1/jobs", "{\"jobType\":\"x\",\"leaseMs\":-1,\"colour\":\"red\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().path("errors"))
                .extracting(JsonNode::asText)
                .anySatisfy(e -> assertThat(e).contains("leaseMs"))
                .anySatisfy(e -> assertThat(e).contains("colour"));
        assertThat(acme.get("/v1/jobs/no-such-job").status()).isEqualTo(404);
        assertThat(acme.post("/v1/jobs/no-such-job/cancel?wait=10s", "").status())
                .isEqualTo(404);

        assertThat(anonymous.get("/v1/jobs/api-1").status()).isEqualTo(401);
        assertThat(anonymous.post("/v1/jobs", "{\"jobType\":\"x\"}").status()).isEqualTo(401);
        assertThat(globex.get("/v1/jobs/api-1").status())
                .as("another tenant's job")
                .isEqualTo(404);
        assertThat(globex.post("/v1/jobs/api-1/cancel?wait=10s", "").status()).isEqualTo(404);
        assertThat(globex.post("/v1/jobs", "{\"jobType\":\"x\",\"tenant\":\"acme\"}")
                        .status())
                .isEqualTo(403);
        assertThat(globex.post("/v1/jobs?wait=10s", "{\"jobId\":\"globex-1\",\"jobType\":\"x\"}")
                        .status())
                .isEqualTo(201);
        assertThat(acme.get("/v1/jobs/globex-1").status()).isEqualTo(404);
        // A create under acme's job id with the commandId acme's create had is a no-op to the job,
        // as a repeat would be; globex's wait must not end with acme's job.
        assertThat(acme.post("/v1/jobs?wait=10s", "{\"jobId\":\"api-2\",\"jobType\":\"x\",\"commandId\":\"c-2\"}")
                        .status())
                .isEqualTo(201);
        ApiClient.Response taken =
                globex.post("/v1/jobs?wait=2s", "{\"jobId\":\"api-2\",\"jobType\":\"x\",\"commandId\":\"c-2\"}");
        assertThat(taken.status()).as(taken.text()).isEqualTo(202);
        assertThat(taken.body().path("outcome").asText()).isEqualTo("pending");

        if (withDatabase) {
            List<String> types = awaitHistory(acme, "api-1", 4);
            assertThat(types).containsExactly("job.created", "job.scheduled", "job.started", "job.completed");
            assertThat(globex.get("/v1/jobs/api-1/history").status()).isEqualTo(404);
            awaitHistory(globex, "globex-1", 2);
            JsonNode acmeJobs = acme.get("/v1/jobs?type=report").body().path("jobs");
            assertThat(acmeJobs).extracting(j -> j.path("jobId").asText()).containsExactly("api-1");
            JsonNode completedJobs =
                    acme.get("/v1/jobs?status=completed&limit=1").body();
            assertThat(completedJobs.path("jobs")).hasSize(1);
            assertThat(completedJobs.path("nextCursor").isNull()).isTrue();
        }
        assertThat(acme.get("/healthz").status()).isEqualTo(200);
        ApiClient.Response ready = acme.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().path("checks").path("database").asText()).isEqualTo("ready");
        ApiClient.Response metrics = acme.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text())
                .contains(
                        "jobline_api_requests_seconds_count",
                        "jobline_processor_commands_total",
                        "jvm_memory_used_bytes");
    }

    static List<String> awaitHistory(ApiClient client, String jobId, int events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            ApiClient.Response history = client.get("/v1/jobs/" + jobId + "/history");
            if (history.status() == 200 && history.body().path("events").size() >= events) {
                List<String> types = new ArrayList<>();
                history.body()
                        .path("events")
                        .forEach(e -> types.add(e.path("type").asText()));
                return types;
            }
            assertThat(System.nanoTime())
                    .as("history of %s reached PostgreSQL", jobId)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
