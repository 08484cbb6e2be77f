package io.jobline.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A closed-loop load generator for {@code POST /v1/jobs} on a running jobline (e.g. {@code jobline
 * dev}): a fixed number of requests in flight, each answered before the next starts. Reports
 * requests per second and latency percentiles, with and without {@code ?wait=}.
 */
public final class ApiBenchmark {

    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public ApiBenchmark(PrintStream out) {
        this.out = out;
    }

    public void run(String baseUrl, String token, int requests, int concurrency) throws InterruptedException {
        out.printf("POST %s/v1/jobs, %,d requests, %d in flight%n", baseUrl, requests, concurrency);
        measure(baseUrl, token, Math.max(200, requests / 10), concurrency, "", true); // warm-up
        measure(baseUrl, token, requests, concurrency, "", false);
        measure(baseUrl, token, requests, concurrency, "?wait=10s", false);
    }

    private void measure(String baseUrl, String token, int requests, int concurrency, String query, boolean warmUp)
            throws InterruptedException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        AtomicLongArray latencies = new AtomicLongArray(requests);
        AtomicInteger errors = new AtomicInteger();
        Semaphore inFlight = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(requests);
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            inFlight.acquire();
            int index = i;
            long sent = System.nanoTime();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/jobs" + query))
                    .timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jobId\":\"bench-" + run + "-" + i
                            + "\",\"jobType\":\"bench\",\"payload\":{\"n\":" + i + "}}"));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, e) -> {
                        latencies.set(index, System.nanoTime() - sent);
                        if (e != null || response.statusCode() >= 300 && response.statusCode() != 202) {
                            errors.incrementAndGet();
                        }
                        inFlight.release();
                        done.countDown();
                    });
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (warmUp) {
            return;
        }
        long[] sorted = new long[requests];
        for (int i = 0; i < requests; i++) {
            sorted[i] = latencies.get(i);
        }
        Arrays.sort(sorted);
        out.printf(
                "  %-14s %,8.0f requests/s  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  errors %d%n",
                query.isEmpty() ? "no wait" : query,
                requests / seconds,
                millis(sorted, 0.50),
                millis(sorted, 0.99),
                sorted[requests - 1] / 1e6,
                errors.get());
    }

    private static double millis(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
