package io.jobline.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tracker behind ?wait= on a real broker, fed timeline and rejection records by hand. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutcomeTrackerIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private String timeline;
    private String rejections;
    private OutcomeTracker tracker;
    private KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void start() throws InterruptedException {
        String run = KafkaBrokerExtension.newRun();
        timeline = "outcomes-timeline-" + run;
        rejections = "outcomes-rejections-" + run;
        KAFKA.broker().createTopics(2, timeline, rejections);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        tracker = new OutcomeTracker(props, timeline, rejections);
        tracker.start();
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!tracker.isReady()) {
            assertThat(System.nanoTime()).as("the tracker became ready").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @AfterEach
    void stop() {
        producer.close();
        tracker.close();
    }

    @Test
    void shouldNotTakeAnotherJobsEventOrRejectionForTheOutcomeOfACommandWithTheSameId() throws Exception {
        CompletableFuture<OutcomeTracker.Outcome> mine = tracker.expect("acme-job", "c-1");

        // another tenant's command on another job, which chose the same commandId
        event("globex-job", "c-1", "globex");
        rejection("globex-job", "c-1");
        event("acme-job", "c-0", "acme"); // a later record of the same partitions: the others were read
        Thread.sleep(1_000);
        assertThat(mine).as("completed by another job's outcome").isNotDone();

        event("acme-job", "c-1", "acme");
        OutcomeTracker.Outcome outcome = mine.get(30, TimeUnit.SECONDS);
        assertThat(outcome.job().path("jobId").asText()).isEqualTo("acme-job");
        assertThat(outcome.job().path("tenant").asText()).isEqualTo("acme");
    }

    @Test
    void shouldStillAnswerAWaitWhenAnotherWaitForTheSameCommandGaveUpFirst() throws Exception {
        // a client retries with the same Idempotency-Key while its first request still waits
        CompletableFuture<OutcomeTracker.Outcome> first = tracker.expect("acme-job", "c-2");
        CompletableFuture<OutcomeTracker.Outcome> retry = tracker.expect("acme-job", "c-2");
        tracker.forget("acme-job", "c-2", first); // the first request's shorter wait ran out

        event("acme-job", "c-2", "acme");
        assertThat(retry.get(30, TimeUnit.SECONDS).job().path("jobId").asText()).isEqualTo("acme-job");
    }

    @Test
    void shouldAnswerWithTheJobAfterAllOfItsCommandsEventsWhenAPollEndsBetweenThem() throws Exception {
        CompletableFuture<OutcomeTracker.Outcome> created = tracker.expect("acme-job", "c-3");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "outcomes-" + KafkaBrokerExtension.newRun());
        try (KafkaProducer<String, byte[]> processor =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            // one transaction of the processor, as it commits many commands' events at once: the
            // tracker's poll (2,000 records at most) ends between this command's two events
            processor.initTransactions();
            processor.beginTransaction();
            for (int i = 0; i < 1_999; i++) {
                processor.send(record("acme-job", "other-" + i, "job.scheduled", "scheduled"));
            }
            processor.send(record("acme-job", "c-3", "job.created", "pending"));
            processor.send(record("acme-job", "c-3", "job.scheduled", "scheduled"));
            processor.commitTransaction();
        }
        assertThat(created.get(30, TimeUnit.SECONDS).job().path("status").asText())
                .isEqualTo("scheduled");
    }

    private ProducerRecord<String, byte[]> record(String jobId, String commandId, String type, String status) {
        String json = "{\"specversion\":\"1.0\",\"type\":\"" + type + "\",\"subject\":\"" + jobId
                + "\",\"tenant\":\"acme\",\"causationid\":\"" + commandId + "\",\"data\":{\"jobId\":\""
                + jobId + "\",\"job\":{\"jobId\":\"" + jobId + "\",\"tenant\":\"acme\",\"status\":\"" + status
                + "\"}}}";
        return new ProducerRecord<>(timeline, 0, jobId, json.getBytes(StandardCharsets.UTF_8));
    }

    private void event(String jobId, String commandId, String tenant) throws Exception {
        String json = "{\"specversion\":\"1.0\",\"type\":\"job.created\",\"subject\":\"" + jobId
                + "\",\"tenant\":\"" + tenant + "\",\"causationid\":\"" + commandId
                + "\",\"data\":{\"jobId\":\"" + jobId + "\",\"job\":{\"jobId\":\"" + jobId
                + "\",\"tenant\":\"" + tenant + "\",\"status\":\"pending\"}}}";
        producer.send(new ProducerRecord<>(timeline, jobId, json.getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    private void rejection(String jobId, String commandId) throws Exception {
        String json = "{\"reason\":\"invalid_transition\",\"message\":\"job " + jobId
                + " is running\",\"status\":\"running\",\"jobId\":\"" + jobId + "\",\"commandId\":\"" + commandId
                + "\",\"type\":\"job.start\",\"time\":\"2026-11-29T00:00:00.000Z\"}";
        producer.send(new ProducerRecord<>(rejections, jobId, json.getBytes(StandardCharsets.UTF_8)))
                .get();
    }
}
