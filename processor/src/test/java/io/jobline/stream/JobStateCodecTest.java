package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.domain.Decision;
import io.jobline.domain.Job;
import io.jobline.domain.Lifecycle;
import io.jobline.domain.LifecycleEngine;
import io.jobline.domain.LifecyclePolicy;
import io.jobline.domain.MemoryStores;
import io.jobline.testing.JobCommands;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobStateCodecTest {

    @Test
    void shouldRoundTripEveryStateAJobPassesThrough() {
        JobCommands commands = new JobCommands();
        MemoryStores stores = new MemoryStores();
        LifecycleEngine engine = stores.engine(new Lifecycle(LifecyclePolicy.DEFAULT));
        List<Job> states = new ArrayList<>();
        long t = 1_000;
        for (var command : List.of(
                commands.createDependingOn("b", "a"),
                commands.create("c"),
                commands.start("c", "L1"),
                commands.heartbeat("c", "L1"),
                commands.fail("c", "L1"),
                commands.cancel("c"))) {
            Decision decision = engine.apply(command, t++, (head, events) -> "sha256:" + events.size() + head);
            states.add(decision.after());
        }
        assertThat(states)
                .allSatisfy(job -> assertThat(JobStateStore.decode(JobStateStore.encode(job)))
                        .isEqualTo(job));
        assertThat(states.get(states.size() - 1).eventHash()).isNotNull();
    }
}
