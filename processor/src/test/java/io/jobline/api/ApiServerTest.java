package io.jobline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.wire.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP layer without Kafka: parsing, limits and error mapping of the job endpoints. */
class ApiServerTest {

    private static final String TOKEN = "token-acme";

    private static OutcomeTracker outcomes;
    private static CommandGateway gateway;
    private static ApiServer server;
    /** What the job reader throws, when set. */
    private static volatile RuntimeException readFailure;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // nothing listens: the tracker is never ready
        kafka.put("max.block.ms", "500");
        outcomes = new OutcomeTracker(kafka, "timeline", "rejections");
        gateway = new CommandGateway(kafka, "commands", outcomes);
        JobReader reader = (jobId, authorization, forwarded) -> {
            RuntimeException failure = readFailure;
            if (failure != null) {
                throw failure;
            }
            return Optional.empty();
        };
        JobQueries queries = new JobQueries() {
            @Override
            public Page list(String tenant, String status, String jobType, int limit, String cursor) {
                return new Page(List.of(), null);
            }

            @Override
            public Optional<List<byte[]>> history(String jobId, String tenant) {
                return Optional.empty();
            }

            @Override
            public boolean isReachable() {
                return true;
            }
        };
        JobsApi jobs =
                new JobsApi(gateway, reader, queries, new TenantAuth(Map.of(TOKEN, "acme")), Duration.ofSeconds(30));
        server = serve(jobs);
    }

    /** {@code jobs} served on a free port of the loopback address, with no readiness checks. */
    static ApiServer serve(JobsApi jobs) {
        return new ApiServer(jobs, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())
                .start("127.0.0.1", 0);
    }

    /** Stops what {@link #serve} and its gateway started, the server first. */
    static void stop(ApiServer server, CommandGateway gateway, OutcomeTracker outcomes) {
        server.close();
        gateway.close();
        outcomes.close();
    }

    @AfterAll
    static void stop() {
        stop(server, gateway, outcomes);
    }

    static HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("content-type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldCapAWaitTooLargeForALongInsteadOfFailing() throws Exception {
        byte[] create = "{\"jobId\":\"j-1\",\"jobType\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        for (String wait : List.of("99999999999999999999", "999999999999999999m", "99999999999999999999ms")) {
            HttpResponse<String> response = send("POST", "/v1/jobs?wait=" + wait, create);
            // capped at jobline.api.wait.max.ms, then refused only because no tracker runs here
            assertThat(response.statusCode())
                    .as("wait=%s: %s", wait, response.body())
                    .isEqualTo(503);
            assertThat(response.body()).contains("outcomes cannot be followed yet");
        }
    }

    @Test
    void shouldCapEveryWaitLongerThanTheMaximumAtTheMaximum() {
        JobsApi jobs = new JobsApi(null, null, null, null, Duration.ofSeconds(30));
        for (String wait : List.of("99999999999999999999", "999999999999999999m", "99999999999999999999ms", "31s")) {
            assertThat(jobs.parseWait(wait)).as(wait).isEqualTo(Duration.ofSeconds(30));
        }
        assertThat(jobs.parseWait("1500ms")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(jobs.parseWait("30s")).isEqualTo(Duration.ofSeconds(30));
    }

    /** The first 20 schema violations, then how many more, as a rejection's message lists them. */
    @Test
    void shouldListTheFirstTwentySchemaViolationsOfARefusedCreateAndCountTheRest() throws Exception {
        StringBuilder dependsOn = new StringBuilder("\"!0\"");
        for (int i = 1; i < 25; i++) {
            dependsOn.append(",\"!").append(i).append('"');
        }
        byte[] create = ("{\"jobId\":\"j-1\",\"jobType\":\"t\",\"dependsOn\":[" + dependsOn + "]}")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send("POST", "/v1/jobs", create);

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(io.jobline.wire.Json.MAPPER.readTree(response.body()).path("errors"))
                .as(response.body())
                .hasSize(21)
                .last()
                .satisfies(more -> assertThat(more.asText()).isEqualTo("and 5 more"));
    }

    /** A number with an exponent no BigDecimal holds is JSON, but unreadable: a 400, as for a body that is not JSON. */
    @Test
    void shouldRefuseABodyWithAnUnreadableNumberAsMalformed() throws Exception {
        HttpResponse<String> response = send(
                "POST",
                "/v1/jobs",
                "{\"jobType\":\"t\",\"payload\":{\"n\":1e-2147483648}}".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).path("type").asText()).endsWith("malformed");
    }

    @Test
    void shouldAnswerUnknownRoutesAndOversizedBodiesAsProblems() throws Exception {
        HttpResponse<String> unknown = send("GET", "/v2/nothing", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("content-type")).hasValue(ApiServer.PROBLEM_JSON);
        assertThat(unknown.body()).contains("\"status\":404");

        HttpResponse<String> wrongMethod = send("DELETE", "/v1/jobs/j-1", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("content-type")).hasValue(ApiServer.PROBLEM_JSON);

        byte[] big = new byte[2_000_000];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        HttpResponse<String> tooLarge = send("POST", "/v1/jobs", big);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("content-type")).hasValue(ApiServer.PROBLEM_JSON);
        assertThat(tooLarge.body()).contains("\"status\":413");
    }

    @Test
    void shouldNotShowAnUnexpectedFailureToTheClient() throws Exception {
        readFailure = new IllegalStateException("pool jobline-api: connection to 10.1.2.3:5432 as admin refused");
        try {
            HttpResponse<String> response = send("GET", "/v1/jobs/j-1", null);
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("content-type")).hasValue(ApiServer.PROBLEM_JSON);
            assertThat(response.body()).doesNotContain("IllegalStateException", "10.1.2.3", "admin");
        } finally {
            readFailure = null;
        }
    }
}
