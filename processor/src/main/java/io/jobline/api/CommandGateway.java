package io.jobline.api;

import io.jobline.domain.Command;
import io.jobline.wire.CommandCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes commands to the commands topic, keyed by jobId, and can wait for their outcome. */
public final class CommandGateway implements AutoCloseable {

    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);

    private final KafkaProducer<String, byte[]> producer;
    private final OutcomeTracker outcomes;
    private final String commandsTopic;

    public CommandGateway(Properties kafka, String commandsTopic, OutcomeTracker outcomes) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.commandsTopic = commandsTopic;
        this.outcomes = outcomes;
    }

    /** Sends and returns once the broker has the command. */
    public void send(Command command) {
        await(producer.send(record(command)), Duration.ofSeconds(30));
    }

    /** Sends and waits up to {@code wait} for the command's event or rejection; empty when none came in time. */
    public Optional<OutcomeTracker.Outcome> sendAndWait(Command command, Duration wait) {
        CompletableFuture<OutcomeTracker.Outcome> outcome = outcomes.expect(command.jobId(), command.commandId());
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            send(command);
            long left = Math.max(0, deadline - System.nanoTime());
            return Optional.of(outcome.get(left, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the outcome failed", e.getCause());
        } finally {
            outcomes.forget(command.jobId(), command.commandId(), outcome);
        }
    }

    public boolean canWait() {
        return outcomes.isReady();
    }

    private ProducerRecord<String, byte[]> record(Command command) {
        return new ProducerRecord<>(
                commandsTopic,
                null,
                command.jobId(),
                CommandCodec.write(command),
                new RecordHeaders().add("content-type", JSON));
    }

    private static void await(java.util.concurrent.Future<?> future, Duration timeout) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the command", e);
        } catch (ExecutionException | TimeoutException e) {
            throw Problem.of(
                            503,
                            "kafka-unavailable",
                            "Service Unavailable",
                            "the command could not be written to Kafka: "
                                    + (e.getCause() == null ? e : e.getCause()).getMessage())
                    .exception();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
