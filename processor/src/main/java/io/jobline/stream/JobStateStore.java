package io.jobline.stream;

import io.jobline.domain.Job;
import io.jobline.domain.LifecycleEngine;
import org.apache.kafka.streams.state.KeyValueStore;

/** The typed face of the job-state store: jobs in, jobs out; the encoding stays in here. */
public final class JobStateStore implements LifecycleEngine.JobStore {

    private final KeyValueStore<String, byte[]> store;

    public JobStateStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public Job get(String jobId) {
        byte[] bytes = store.get(jobId);
        return bytes == null ? null : JobStateCodec.decode(bytes);
    }

    @Override
    public void put(Job job) {
        store.put(job.jobId(), JobStateCodec.encode(job));
    }

    /** The store's encoding of a job (for benchmarks and tools; the store itself is the API). */
    public static byte[] encode(Job job) {
        return JobStateCodec.encode(job);
    }

    /** Decodes a raw value read from this store by an interactive query. */
    public static Job decode(byte[] bytes) {
        return bytes == null ? null : JobStateCodec.decode(bytes);
    }
}
