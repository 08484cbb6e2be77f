package io.jobline.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Job state and dependents index in memory, for the offline replay and for tests. The dependents
 * come back in the same (sorted) order as from the persistent store, so both decide alike.
 */
public final class MemoryStores implements LifecycleEngine.JobStore, LifecycleEngine.DependentsIndex {

    private final Map<String, Job> jobs = new HashMap<>();
    private final TreeMap<String, NavigableSet<String>> dependents = new TreeMap<>();

    @Override
    public Job get(String jobId) {
        return jobs.get(jobId);
    }

    @Override
    public void put(Job job) {
        jobs.put(job.jobId(), job);
    }

    @Override
    public void add(String dependency, String dependent) {
        dependents.computeIfAbsent(dependency, id -> new TreeSet<>()).add(dependent);
    }

    @Override
    public List<String> drain(String dependency) {
        NavigableSet<String> waiting = dependents.remove(dependency);
        return waiting == null ? List.of() : new ArrayList<>(waiting);
    }

    public int jobCount() {
        return jobs.size();
    }

    public LifecycleEngine engine(Lifecycle lifecycle) {
        return new LifecycleEngine(lifecycle, this, this, LifecycleEngine.TimerSchedule.NONE);
    }
}
