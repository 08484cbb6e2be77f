package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobline.domain.TimerKind;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The timer index: what is due, fired once per run, and kept until the job moves on. */
class TimerStoreTest {

    @Test
    void shouldFireATimerOnceAndAgainAfterARestartUntilItIsDisarmed() {
        KeyValueStore<Bytes, byte[]> index = index();
        TimerStore timers = new TimerStore(index);
        timers.arm("job-1", TimerKind.LEASE, 1_000);
        timers.arm("job-2", TimerKind.RETRY, 5_000);

        assertThat(timers.takeDue(999, 10)).isEmpty();
        assertThat(timers.takeDue(1_000, 10)).containsExactly(new TimerStore.DueTimer("job-1", TimerKind.LEASE, 1_000));
        assertThat(timers.takeDue(2_000, 10)).as("its fire is on its way").isEmpty();

        // A restart whose fire was lost (at-least-once: the index outlived the fire record).
        TimerStore restarted = new TimerStore(index);
        assertThat(restarted.takeDue(2_000, 10))
                .as("fired again")
                .containsExactly(new TimerStore.DueTimer("job-1", TimerKind.LEASE, 1_000));

        restarted.disarm("job-1", TimerKind.LEASE, 1_000); // the fire came back and moved the job on
        assertThat(new TimerStore(index).takeDue(6_000, 10))
                .containsExactly(new TimerStore.DueTimer("job-2", TimerKind.RETRY, 5_000));
    }

    private static KeyValueStore<Bytes, byte[]> index() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("timers"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
