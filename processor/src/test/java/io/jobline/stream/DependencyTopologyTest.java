package io.jobline.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.config.JoblineConfig;
import io.jobline.testing.JobCommands;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DAG: dependents wait, in order, and are cancelled when what they wait for fails. */
class DependencyTopologyTest {

    private static final TopologySettings SETTINGS = TopologySettings.from(JoblineConfig.defaults());

    private final JobCommands commands = new JobCommands();
    private TopologyHarness harness = new TopologyHarness(SETTINGS);

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private void diamond() {
        harness.send(commands.create("A"))
                .send(commands.createDependingOn("B", "A"))
                .send(commands.createDependingOn("C", "A"))
                .send(commands.createDependingOn("D", "B", "C"));
    }

    private void runToCompletion(String jobId) {
        harness.send(commands.start(jobId, "L-" + jobId)).send(commands.complete(jobId, "L-" + jobId));
    }

    @Test
    void shouldRunADiamondInDependencyOrder() {
        diamond();
        assertThat(harness.eventTypes("B")).containsExactly("job.created");
        assertThat(harness.eventTypes("D")).containsExactly("job.created");
        assertThat(harness.events("D").get(0).at("/data/job/awaiting"))
                .extracting(JsonNode::asText)
                .containsExactly("B", "C");

        runToCompletion("A");
        assertThat(harness.eventTypes("B")).containsExactly("job.created", "job.scheduled");
        assertThat(harness.eventTypes("C")).containsExactly("job.created", "job.scheduled");
        runToCompletion("B");
        assertThat(harness.eventTypes("D")).containsExactly("job.created");
        assertThat(harness.job("D").awaiting()).containsExactly("C");
        runToCompletion("C");
        assertThat(harness.eventTypes("D")).containsExactly("job.created", "job.scheduled");
        runToCompletion("D");

        List<String> order = harness.events().stream()
                .filter(e -> e.path("type").asText().equals("job.completed"))
                .map(e -> e.path("subject").asText())
                .toList();
        assertThat(order).containsExactly("A", "B", "C", "D");
        assertThat(harness.rejections()).isEmpty();
    }

    @Test
    void shouldCancelTheWholeDiamondWhenItsRootFailsTerminally() {
        diamond();
        harness.send(commands.start("A", "L1")).send(commands.failPermanently("A", "L1"));
        for (String dependent : List.of("B", "C", "D")) {
            assertThat(harness.eventTypes(dependent)).containsExactly("job.created", "job.cancelled");
            JsonNode cancelled = harness.events(dependent).get(1);
            assertThat(cancelled.at("/data/transition/reason").asText()).isEqualTo("upstream_failed");
        }
    }

    @Test
    void shouldWaitForADependencyThatIsCreatedAfterItsDependent() {
        harness.send(commands.createDependingOn("B", "A"));
        harness.send(commands.create("A"));
        runToCompletion("A");
        assertThat(harness.eventTypes("B")).containsExactly("job.created", "job.scheduled");
    }

    /** Their recorded commands' ids, a prefix and a job id, are longer than an id from outside may be. */
    @Test
    void shouldRunADependencyBetweenJobsWhoseIdsAreAsLongAsAnIdMayBe() {
        String dependency = "a".repeat(200);
        String dependent = "b".repeat(200);
        harness.send(commands.createDependingOn(dependent, dependency));
        harness.send(commands.create(dependency));
        harness.send(commands.start(dependency, "L")).send(commands.complete(dependency, "L"));

        assertThat(harness.eventTypes(dependent))
                .as("%s", harness.rejections())
                .containsExactly("job.created", "job.scheduled");
        assertThat(harness.events(dependent).get(1).path("causationid").asText())
                .isEqualTo("dependency.completed:" + dependency);
        assertThat(harness.rejections()).isEmpty();
    }

    /** Neither could ever be scheduled: one fails, the other and what waits for it are cancelled. */
    @Test
    void shouldEndTwoJobsThatDependOnEachOtherAndWhatWaitsForThem() {
        harness.send(commands.createDependingOn("A", "B"));
        harness.send(commands.createDependingOn("C", "A"));
        harness.send(commands.createDependingOn("B", "A"));

        // A's watch reached B before B existed; B's watch reaches A, waiting for B.
        assertThat(harness.eventTypes("A")).containsExactly("job.created", "job.failed");
        JsonNode failed = harness.events("A").get(1);
        assertThat(failed.at("/data/transition/reason").asText()).isEqualTo("dependency_cycle");
        assertThat(failed.at("/data/error/message").asText()).startsWith("job A and job B depend on each other");
        for (String cancelled : List.of("B", "C")) {
            assertThat(harness.eventTypes(cancelled)).containsExactly("job.created", "job.cancelled");
            assertThat(harness.events(cancelled)
                            .get(1)
                            .at("/data/transition/reason")
                            .asText())
                    .isEqualTo("upstream_failed");
        }
        assertThat(harness.rejections()).isEmpty();
    }

    @Test
    void shouldScheduleAtOnceWhenTheDependencyHasAlreadyCompleted() {
        harness.send(commands.create("A"));
        runToCompletion("A");
        harness.send(commands.createDependingOn("B", "A"));
        assertThat(harness.eventTypes("B")).containsExactly("job.created", "job.scheduled");
    }

    @Test
    void shouldCancelAWaitingJobAndIgnoreItsDependencyLater() {
        harness.send(commands.create("A"))
                .send(commands.createDependingOn("B", "A"))
                .send(commands.cancel("B"));
        runToCompletion("A");
        assertThat(harness.eventTypes("B")).containsExactly("job.created", "job.cancelled");
        assertThat(harness.rejections()).isEmpty();
    }

    @Test
    void shouldPropagateACancellationDownAChain() {
        harness.send(commands.create("J0"));
        for (int i = 1; i <= 20; i++) {
            harness.send(commands.createDependingOn("J" + i, "J" + (i - 1)));
        }
        harness.send(commands.cancel("J0"));
        for (int i = 1; i <= 20; i++) {
            assertThat(harness.eventTypes("J" + i)).as("J" + i).containsExactly("job.created", "job.cancelled");
        }
    }

    @Test
    void shouldRejectMoreDependenciesThanTheLimit() {
        harness.close();
        harness = new TopologyHarness(TopologySettings.from(JoblineConfig.of(Map.of("jobline.dependencies.max", "2"))));
        harness.send(commands.createDependingOn("X", "A", "B", "C"));
        harness.send(commands.createDependingOn("Y", "A", "B", "A"));
        assertThat(harness.rejections()).singleElement().satisfies(r -> {
            assertThat(r.path("reason").asText()).isEqualTo("schema_violation");
            assertThat(r.path("message").asText()).contains("limit of 2");
        });
        assertThat(harness.job("X")).isNull();
        assertThat(harness.job("Y").awaiting()).containsExactly("A", "B");
    }
}
