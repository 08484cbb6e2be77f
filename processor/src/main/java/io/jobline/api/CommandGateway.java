package io.jobline.api;

import io.jobline.domain.Command;
import io.jobline.wire.CommandCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes commands to the commands topic, keyed by jobId, and can wait for their outcome. */
public final class CommandGateway implements AutoCloseable {

    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);
    /** How long a command may take to reach the broker before the request fails with a 503. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    /**
     * When a wait first asks whether the job has applied its command: most commands' events
     * come sooner (the processor commits every 100 ms), and then nothing is asked.
     */
    private static final long FIRST_ASK_MS = 250;
    /** The longest interval between two such questions. */
    private static final long LAST_ASK_MS = 1_000;

    private final KafkaProducer<String, byte[]> producer;
    private final OutcomeTracker outcomes;
    private final String commandsTopic;
    /** The replies of the waits in progress, to end them when the server stops. */
    private final Set<CompletableFuture<Optional<OutcomeTracker.Outcome>>> waits = ConcurrentHashMap.newKeySet();

    private volatile boolean ending;

    /**
     * Where replies continue once a send or an outcome completes, so that the producer's and the
     * outcome tracker's threads never write to a client's connection.
     */
    private final ExecutorService replies = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "jobline-api-reply");
        thread.setDaemon(true);
        return thread;
    });

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

    /**
     * Sends; completes once the broker has the command, or fails with a 503 problem. Nothing
     * blocks: an HTTP request waiting on it holds no server thread.
     */
    public CompletableFuture<Void> send(Command command) {
        return written(command).whenCompleteAsync((result, failure) -> {}, replies);
    }

    /**
     * Sends, then waits up to {@code wait} (counted from now) for the command's event or
     * rejection; empty when none came in time. A command may write neither (a heartbeat, a
     * command sent again): {@code applied}, asked now and then while the wait lasts, tells when
     * the job has applied it, and gives the job.
     */
    public CompletableFuture<Optional<OutcomeTracker.Outcome>> sendAndWait(
            Command command, Duration wait, Supplier<Optional<OutcomeTracker.Outcome>> applied) {
        CompletableFuture<OutcomeTracker.Outcome> outcome = outcomes.expect(command.jobId(), command.commandId());
        CompletableFuture<Optional<OutcomeTracker.Outcome>> reply = outcome.thenApply(Optional::of);
        waits.add(reply);
        if (ending) {
            reply.complete(Optional.empty()); // came in while the server stops: answered once written
        }
        long deadline = System.nanoTime() + wait.toNanos();
        return written(command)
                .thenCompose(written -> {
                    askLater(applied, outcome, FIRST_ASK_MS);
                    return reply.completeOnTimeout(
                            Optional.empty(), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                })
                .whenCompleteAsync(
                        (result, failure) -> {
                            waits.remove(reply);
                            outcomes.forget(command.jobId(), command.commandId(), outcome);
                            // Ends the asking too: completeOnTimeout completed only the reply.
                            outcome.cancel(false);
                        },
                        replies);
    }

    /**
     * Ends every wait now, as if its time were up: each is answered that its command was written
     * and its outcome is pending, and so is every wait that comes after this. Called before the
     * server stops, so that no client loses its answer with the connection.
     */
    public void endWaits() {
        ending = true;
        waits.forEach(reply -> reply.complete(Optional.empty()));
    }

    /**
     * Asks {@code applied} after {@code delayMs}, and again at growing intervals, until it answers
     * or {@code outcome} is complete (by an event, a rejection, an answer or the wait's end).
     */
    private void askLater(
            Supplier<Optional<OutcomeTracker.Outcome>> applied,
            CompletableFuture<OutcomeTracker.Outcome> outcome,
            long delayMs) {
        CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, replies)
                .execute(() -> {
                    if (!outcome.isDone()) {
                        applied.get()
                                .ifPresentOrElse(
                                        outcome::complete,
                                        () -> askLater(applied, outcome, Math.min(delayMs * 2, LAST_ASK_MS)));
                    }
                });
    }

    /** Completes on the producer's thread once the broker has the command; fails with a 503 problem. */
    private CompletableFuture<Void> written(Command command) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            producer.send(record(command), (metadata, e) -> {
                if (e == null) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(unavailable(e));
                }
            });
        } catch (RuntimeException e) {
            written.completeExceptionally(unavailable(e));
        }
        return written.orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e ->
                        CompletableFuture.failedFuture(e instanceof Problem.ProblemException ? e : unavailable(e)));
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

    private static Problem.ProblemException unavailable(Throwable e) {
        return Problem.of(
                        503,
                        "kafka-unavailable",
                        "Service Unavailable",
                        "the command could not be written to Kafka: "
                                + (e instanceof java.util.concurrent.TimeoutException
                                        ? "no acknowledgement within " + SEND_TIMEOUT.toSeconds() + " s"
                                        : e.getMessage()))
                .exception();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        replies.shutdown();
    }
}
