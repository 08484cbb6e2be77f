package io.jobline.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.testing.JobCommands;
import io.jobline.testing.KafkaBrokerExtension;
import io.jobline.wire.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job endpoints writing to a real broker, with no processor behind them. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JobsApiIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static OutcomeTracker outcomes;
    private static CommandGateway gateway;
    private static ApiServer server;
    private static Properties kafka;
    private static String commandsTopic;

    @BeforeAll
    static void start() {
        String run = KafkaBrokerExtension.newRun();
        commandsTopic = "api-commands-" + run;
        KAFKA.broker().createTopics(2, commandsTopic, "api-timeline-" + run, "api-rejections-" + run);
        kafka = new Properties();
        kafka.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        outcomes = new OutcomeTracker(kafka, "api-timeline-" + run, "api-rejections-" + run);
        outcomes.start();
        gateway = new CommandGateway(kafka, commandsTopic, outcomes);
        server = ApiServerTest.serve(jobsApi(gateway));
    }

    private static JobsApi jobsApi(CommandGateway gateway) {
        JobReader reader = (jobId, authorization, forwarded) -> Optional.empty();
        return new JobsApi(
                gateway,
                reader,
                null,
                new TenantAuth(Map.of("token-acme", "acme", "token-globex", "globex")),
                Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        ApiServerTest.stop(server, gateway, outcomes);
    }

    @Test
    void shouldCreateOneJobForCreatesRetriedWithTheSameIdempotencyKey() throws Exception {
        JsonNode first = create("token-acme", "key-1").body();
        JsonNode retried = create("token-acme", "key-1").body();
        assertThat(retried.path("jobId").asText())
                .as("the retry's job")
                .isEqualTo(first.path("jobId").asText());
        assertThat(retried.path("commandId").asText()).isEqualTo("key-1");

        assertThat(create("token-acme", "key-2").body().path("jobId").asText())
                .as("another key, another job")
                .isNotEqualTo(first.path("jobId").asText());
        assertThat(create("token-globex", "key-1").body().path("jobId").asText())
                .as("another tenant's key, another job")
                .isNotEqualTo(first.path("jobId").asText());
    }

    /** A commandId is unique only within its job: two creates may both be "create" and are two jobs. */
    @Test
    void shouldCreateTwoJobsForTwoCreatesWithoutJobIdThatGiveTheSameCommandId() throws Exception {
        String body = "{\"jobType\":\"report\",\"commandId\":\"create\"}";
        JsonNode first = create("token-acme", null, body).body();
        JsonNode second = create("token-acme", null, body).body();

        assertThat(second.path("jobId").asText())
                .isNotEqualTo(first.path("jobId").asText());
        assertThat(second.path("commandId").asText()).isEqualTo("create");
    }

    /** null is never a value in a command, with a token or without: a 422, not a 403 naming tenant "null". */
    @Test
    void shouldRefuseANullTenantAsTheSchemaDoesNotAsAnotherTenant() throws Exception {
        Reply reply = post("token-acme", null, "{\"jobType\":\"report\",\"tenant\":null}");

        assertThat(reply.status()).as(reply.text()).isEqualTo(422);
        assertThat(reply.body().path("errors").toString()).contains("tenant: must not be null");
    }

    /**
     * A ?wait= holds no server thread: more waits than Jetty has threads (250) leave the server
     * answering. No processor runs here, so every wait lasts its whole length.
     */
    @Test
    void shouldAnswerOtherRequestsWhileMoreWaitsThanServerThreadsAreOpen() throws Exception {
        awaitTracker();
        List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            waits.add(HTTP.sendAsync(
                    request("token-acme", "wait-" + i, "{\"jobType\":\"report\"}", "?wait=8s"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(1_000); // the waits reach the server

        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long openWhenAnswered = waits.stream().filter(wait -> !wait.isDone()).count();

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(openWhenAnswered)
                .as("waits still open when /healthz answered")
                .isEqualTo(300);
        for (CompletableFuture<HttpResponse<String>> wait : waits) {
            HttpResponse<String> response = wait.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(Json.MAPPER.readTree(response.body()).path("outcome").asText())
                    .isEqualTo("pending");
        }
    }

    /**
     * A server that stops answers the waits in progress (202, pending: the job's location is in
     * the answer to poll) rather than dropping their connections; it used to drop them.
     */
    @Test
    void shouldAnswerTheWaitsInProgressWhenTheServerStops() throws Exception {
        awaitTracker();
        CommandGateway stoppingGateway = new CommandGateway(kafka, commandsTopic, outcomes);
        ApiServer stopping = ApiServerTest.serve(jobsApi(stoppingGateway));
        try {
            List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waits.add(HTTP.sendAsync(
                        request(stopping.port(), "token-acme", "stop-" + i, "{\"jobType\":\"report\"}", "?wait=60s"),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(1_000); // the waits reach the server
            assertThat(waits).as("waits open before the stop").noneMatch(CompletableFuture::isDone);

            int port = stopping.port();
            long start = System.nanoTime();
            stopping.close();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            for (CompletableFuture<HttpResponse<String>> wait : waits) {
                HttpResponse<String> response = wait.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                assertThat(Json.MAPPER.readTree(response.body()).path("outcome").asText())
                        .isEqualTo("pending");
                assertThat(response.headers().firstValue("Location"))
                        .hasValueSatisfying(location -> assertThat(location).startsWith("/v1/jobs/"));
            }
            assertThat(stopMillis).as("the stop's length, in ms").isLessThan(5_000);
            assertThatThrownBy(() -> HTTP.send(
                            request(port, "token-acme", null, "{\"jobType\":\"report\"}", ""),
                            HttpResponse.BodyHandlers.ofString()))
                    .as("the stopped server takes no more requests")
                    .isInstanceOf(java.io.IOException.class);
        } finally {
            stopping.close();
            stoppingGateway.close();
        }
    }

    /**
     * A wait that ended stops asking whether the job applied its command: a command that is never
     * applied (its job does not exist, say) was asked about every second for as long as the
     * process ran, one store read or forwarded request each time, for every such wait.
     */
    @Test
    void shouldStopAskingWhetherTheCommandWasAppliedOnceTheWaitHasEnded() throws Exception {
        AtomicReference<CompletableFuture<Optional<OutcomeTracker.Outcome>>> waiting = new AtomicReference<>();
        // Twice: one ask that began just as the wait ended may still run; it asked every second after.
        CountDownLatch askedAfterTheEnd = new CountDownLatch(2);
        Supplier<Optional<OutcomeTracker.Outcome>> applied = () -> {
            CompletableFuture<Optional<OutcomeTracker.Outcome>> wait = waiting.get();
            if (wait != null && wait.isDone()) {
                askedAfterTheEnd.countDown();
            }
            return Optional.empty(); // never applied
        };
        waiting.set(gateway.sendAndWait(new JobCommands().create("never-applied"), Duration.ofMillis(1), applied));

        assertThat(waiting.get().get(30, TimeUnit.SECONDS))
                .as("no outcome within the wait")
                .isEmpty();
        assertThat(askedAfterTheEnd.await(3, TimeUnit.SECONDS))
                .as("asked again and again after the wait had ended")
                .isFalse();
    }

    private static Reply create(String token, String idempotencyKey) throws Exception {
        return create(token, idempotencyKey, "{\"jobType\":\"report\"}");
    }

    private static Reply create(String token, String idempotencyKey, String body) throws Exception {
        Reply reply = post(token, idempotencyKey, body);
        assertThat(reply.status()).as(reply.text()).isEqualTo(202);
        return reply;
    }

    private static Reply post(String token, String idempotencyKey, String body) throws Exception {
        HttpResponse<String> response =
                HTTP.send(request(token, idempotencyKey, body, ""), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    private static void awaitTracker() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!outcomes.isReady() && System.nanoTime() < deadline) {
            Thread.sleep(50); // until then a ?wait= is a 503
        }
    }

    private static HttpRequest request(String token, String idempotencyKey, String body, String query) {
        return request(server.port(), token, idempotencyKey, body, query);
    }

    private static HttpRequest request(int port, String token, String idempotencyKey, String body, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/jobs" + query))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.build();
    }

    record Reply(int status, String text) {
        JsonNode body() throws Exception {
            return Json.MAPPER.readTree(text);
        }
    }
}
