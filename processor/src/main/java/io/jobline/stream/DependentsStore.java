package io.jobline.stream;

import io.jobline.domain.LifecycleEngine;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The dependents index: one entry per (dependency, dependent), keyed {@code dependency NUL dependent}
 * so a watch is one small put (a fan-out of thousands never rewrites a growing list) and draining a
 * dependency is one range scan, in dependent order.
 */
public final class DependentsStore implements LifecycleEngine.DependentsIndex {

    private static final char SEPARATOR = '\u0000';
    private static final byte[] PRESENT = {1};

    private final KeyValueStore<String, byte[]> store;

    public DependentsStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public void add(String dependency, String dependent) {
        store.put(dependency + SEPARATOR + dependent, PRESENT);
    }

    @Override
    public List<String> drain(String dependency) {
        String from = dependency + SEPARATOR;
        String to = dependency + (char) (SEPARATOR + 1);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> range = store.range(from, to)) {
            while (range.hasNext()) {
                KeyValue<String, byte[]> entry = range.next();
                if (!entry.key.equals(to)) {
                    keys.add(entry.key);
                }
            }
        }
        List<String> dependents = new ArrayList<>(keys.size());
        for (String key : keys) {
            store.delete(key);
            dependents.add(key.substring(from.length()));
        }
        return dependents;
    }
}
