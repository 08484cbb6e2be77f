package io.jobline.airgap;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.Command;
import io.jobline.domain.CommandHeader;
import io.jobline.domain.JobError;
import io.jobline.domain.JsonText;
import io.jobline.domain.RetrySpec;
import io.jobline.wire.CommandCodec;
import io.jobline.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A busy site against a running processor: jobs of twenty kinds (by number modulo 20) that
 * complete, retry, fail for good, lose their lease, are cancelled, wait for a notBefore, depend
 * on other jobs (one that fails, one created later), plus bad records of every sort. Workers react
 * to the timeline they read, as real ones would; {@link #runUntilAllEnded} drives it to the end.
 */
final class SiteWorkload implements AutoCloseable {

    static final RetrySpec QUICK_RETRY = new RetrySpec(3, 20L, 2.0, 200L, 0.5);
    private static final long SHORT_LEASE_MS = 300;

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> timeline;
    private final String commandsTopic;
    private final int jobs;
    private final Set<String> ended = new HashSet<>();
    private final Map<String, Integer> endings = new HashMap<>();
    private final Map<String, Integer> reasons = new HashMap<>();
    private long events;
    private int expectedRejections;

    SiteWorkload(String bootstrap, String commandsTopic, String timelineTopic, int jobs) {
        this.commandsTopic = commandsTopic;
        this.jobs = jobs;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "workload-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        this.timeline = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        this.timeline.subscribe(List.of(timelineTopic));
    }

    static String jobId(int i) {
        return String.format("job-%05d", i);
    }

    /** Creates every job (and sends the bad records), in job order. */
    void createAll() {
        for (int i = 0; i < jobs; i++) {
            send(create(i));
        }
        for (int i = 0; i < jobs; i += 100) {
            sendRaw(jobId(i), "{not json".getBytes(StandardCharsets.UTF_8)); // malformed
            sendRaw(
                    jobId(i + 1),
                    "{\"type\":\"job.start\",\"jobId\":\"x\"}".getBytes(StandardCharsets.UTF_8)); // schema
            sendRaw("elsewhere-" + i, CommandCodec.write(new Command.Cancel(header(jobId(i + 2)), "wrong key")));
            send(new Command.Start(header("ghost-" + i), "w", "L", null)); // unknown_job
            expectedRejections += 4;
        }
        producer.flush();
    }

    private Command.Create create(int i) {
        String id = jobId(i);
        int kind = i % 20;
        List<String> dependsOn = switch (kind) {
            case 15 -> List.of(jobId(i - 5), jobId(i - 3)); // one retries then completes, one fails for good
            case 16 -> List.of(jobId(i - 6), jobId(i - 16));
            case 17 -> List.of(jobId(i + 1)); // created after this one
            default -> List.of();
        };
        Long leaseMs = kind == 13 ? SHORT_LEASE_MS : null;
        Long notBefore = kind == 19 ? System.currentTimeMillis() + 1_000 : null;
        JsonText payload = new JsonText("{\"n\":" + i + ",\"kind\":" + kind + ",\"note\":\"caf\u00e9 \\\"q\\\"\"}");
        return new Command.Create(header(id), "airgap-it", payload, dependsOn, QUICK_RETRY, leaseMs, notBefore, null);
    }

    /** Reads the timeline and plays the workers until every job has ended or the time is up. */
    boolean runUntilAllEnded(Duration timeout) {
        return runUntil(() -> ended.size() == jobs, timeout);
    }

    /** Reads the timeline and plays the workers until {@code done} holds or the time is up. */
    boolean runUntil(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : timeline.poll(Duration.ofMillis(100))) {
                events++;
                react(parse(record.value()));
            }
            producer.flush();
        }
        return done.getAsBoolean();
    }

    private void react(JsonNode event) {
        String id = event.path("subject").asText();
        int i = Integer.parseInt(id.substring("job-".length()));
        int kind = i % 20;
        int attempt = event.at("/data/attempt").asInt();
        String reason = event.at("/data/transition/reason").asText();
        reasons.merge(reason, 1, Integer::sum);
        if (event.at("/data/error/code").asText().equals("lease_expired")) {
            reasons.merge("lease_expired", 1, Integer::sum);
        }
        switch (event.path("type").asText()) {
            case "job.scheduled" -> {
                if (kind == 14) {
                    send(new Command.Cancel(header(id), "not needed"));
                } else {
                    // A short-lease job's first run is abandoned; its retry gets a lease long enough to finish.
                    Long lease = kind == 13 && attempt >= 1 ? 60_000L : null;
                    send(new Command.Start(header(id), "worker-" + (i % 7), id + "-L" + (attempt + 1), lease));
                }
            }
            case "job.started" -> {
                String lease = event.at("/data/lease/leaseId").asText();
                if (kind == 13 && attempt == 1) {
                    return; // lost worker: the lease expires
                }
                if ((kind == 10 || kind == 11) && attempt <= 2) {
                    send(new Command.Fail(header(id), lease, new JobError("flaky", "try again", true)));
                } else if (kind == 12) {
                    send(new Command.Fail(header(id), lease, new JobError("bad_input", "never works", false)));
                } else {
                    if (kind == 1) {
                        send(new Command.Heartbeat(header(id), lease));
                    }
                    send(new Command.Complete(header(id), lease, new JsonText("{\"rows\":" + i + "}")));
                }
            }
            case "job.completed" -> {
                end(id, "completed");
                if (i % 50 == 0) {
                    send(new Command.Start(header(id), "late-worker", "late", null)); // invalid_transition
                    expectedRejections++;
                }
            }
            case "job.cancelled" -> end(id, "cancelled");
            case "job.failed" -> {
                if (event.at("/data/retry").isMissingNode()) {
                    end(id, "failed");
                }
            }
            default -> {}
        }
    }

    private void end(String id, String how) {
        if (ended.add(id)) {
            endings.merge(how, 1, Integer::sum);
        }
    }

    Map<String, Integer> endings() {
        return endings;
    }

    /** Transition reasons seen (retry, upstream_failed, ...), and lease_expired errors. */
    Map<String, Integer> reasons() {
        return reasons;
    }

    long events() {
        return events;
    }

    int expectedRejections() {
        return expectedRejections;
    }

    private void send(Command command) {
        sendRaw(command.jobId(), CommandCodec.write(command));
    }

    private void sendRaw(String key, byte[] value) {
        producer.send(new ProducerRecord<>(commandsTopic, key, value));
    }

    private static CommandHeader header(String jobId) {
        return new CommandHeader(UUID.randomUUID().toString(), jobId, "acme", null, "airgap-it", null, null);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        timeline.close(Duration.ofSeconds(5));
    }
}
