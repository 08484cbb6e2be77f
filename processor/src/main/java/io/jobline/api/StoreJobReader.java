package io.jobline.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.domain.Job;
import io.jobline.stream.JobStateStore;
import io.jobline.stream.JoblineTopology;
import io.jobline.wire.JobJson;
import io.jobline.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads a job from the processor's job-state store (Kafka Streams interactive queries). When
 * another instance owns the job's partition, the read is forwarded to that instance's API.
 */
public final class StoreJobReader implements JobReader {

    /** Marks a forwarded read, so that it is answered locally and never forwarded again. */
    public static final String FORWARDED_HEADER = "X-Jobline-Forwarded";
    /** On a forwarded read: answer the job only once it has applied this command, else 404. */
    public static final String APPLIED_PARAMETER = "applied";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public StoreJobReader(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Optional<Snapshot> find(String jobId, String authorization, boolean forwarded) {
        return read(jobId, null, authorization, forwarded);
    }

    @Override
    public Optional<Snapshot> findApplied(String jobId, String commandId, String authorization, boolean forwarded) {
        return read(jobId, Objects.requireNonNull(commandId), authorization, forwarded);
    }

    /** The job, or with {@code commandId} not null only once it has applied that command. */
    private Optional<Snapshot> read(String jobId, String commandId, String authorization, boolean forwarded) {
        KeyQueryMetadata owner;
        try {
            owner = streams.queryMetadataForKey(
                    JoblineTopology.JOB_STATE_STORE, jobId, Serdes.String().serializer());
        } catch (InvalidStateStoreException | IllegalStateException e) {
            // not started yet, failed, or shutting down: another instance may answer meanwhile
            throw notReady("the processor is not running (" + streams.state() + ")");
        }
        if (owner == null || owner.activeHost().equals(HostInfo.unavailable())) {
            throw unowned(
                    "no instance is named the owner of the job's partition",
                    "the processor has not assigned its partitions yet");
        }
        if (!owner.activeHost().equals(self)) {
            if (forwarded) {
                // The sender's metadata is older than a rebalance: this store has no say on the job.
                throw notReady("this instance does not own the job's partition (any more); retry");
            }
            return forward(owner.activeHost(), jobId, commandId, authorization);
        }
        return local(jobId, commandId, owner.partition());
    }

    /**
     * Reads this instance's own store (also for reads forwarded here), in the job's partition only:
     * a partition still restoring or just moved away is unavailable, not a job that does not exist.
     */
    private Optional<Snapshot> local(String jobId, String commandId, int partition) {
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                            JoblineTopology.JOB_STATE_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
                    .withPartition(partition));
            Job job = JobStateStore.decode(store.get(jobId));
            return job == null || (commandId != null && !job.hasApplied(commandId))
                    ? Optional.empty()
                    : Optional.of(new Snapshot(job.tenant(), JobJson.write(job)));
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw unowned(
                    "this instance (" + self.host() + ":" + self.port() + ") is named the owner of partition "
                            + partition + " but does not hold it",
                    "the job-state store is not queryable right now (" + e.getMessage() + ")");
        }
    }

    private Optional<Snapshot> forward(HostInfo owner, String jobId, String commandId, String authorization) {
        String applied = commandId == null ? "" : "?" + APPLIED_PARAMETER + "=" + URLEncoder.encode(commandId, UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://" + owner.host() + ":" + owner.port() + "/v1/jobs/" + jobId + applied))
                .timeout(Duration.ofSeconds(5))
                .header(FORWARDED_HEADER, "1")
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw notReady("the instance that owns the job answered " + response.statusCode());
            }
            JsonNode job = Json.readTree(response.body());
            return Optional.of(new Snapshot(job.path("tenant").asText(), response.body()));
        } catch (IOException e) {
            throw notReady("the instance that owns the job (" + owner + ") cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notReady("interrupted");
        }
    }

    /**
     * A 503 for a job whose partition no instance can be asked for. While a rebalance runs, that
     * is {@code otherwise}. With none to explain it (unless one has only just begun), it is
     * {@code running}: instances that advertise the same address take each other's partitions
     * for their own, or leave them without an owner.
     */
    private Problem.ProblemException unowned(String running, String otherwise) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return notReady(otherwise);
        }
        return notReady(running + ": a rebalance has begun, or another instance advertises the same address"
                + " (each must set jobline.api.advertised.host to one the others reach it at)");
    }

    private static Problem.ProblemException notReady(String detail) {
        return Problem.of(503, "not-ready", "Service Unavailable", detail).exception();
    }
}
