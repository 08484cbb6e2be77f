package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitionOrderedFileTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "holding at most {0} bytes in memory, in blocks of {1}")
    @CsvSource({"0, 16", "1000, 16", "1000000, 16", "1000000, 262144"})
    void shouldListPartitionsInOrderHoweverTheirWritersInterleave(long holdInMemory, int blockBytes) throws Exception {
        Path file = dir.resolve("out.ndjson");
        List<Integer> order = List.of(0, 1, 2, 3, 4, 5);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (PartitionOrderedFile out = new PartitionOrderedFile(file, order, dir, holdInMemory, blockBytes)) {
            List<Future<?>> running = new ArrayList<>();
            for (int partition : List.of(5, 3, 1, 0, 2, 4)) { // finish out of order too
                running.add(threads.submit(() -> {
                    try (OutputStream part = out.part(partition)) {
                        for (int line = 0; line < 500; line++) {
                            part.write(line(partition, line));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(Files.readAllLines(file)).containsExactlyElementsOf(expected(order, 500));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).containsExactly(file); // spill files are gone
        }
    }

    @Test
    void shouldWriteTheFirstPartitionThroughBeforeItFinishes() throws IOException {
        Path file = dir.resolve("out.ndjson");
        try (PartitionOrderedFile out = new PartitionOrderedFile(file, List.of(0, 1), dir, 1_000_000)) {
            out.part(1).write(line(1, 0));
            out.part(0).write(line(0, 0));

            assertThat(Files.readString(file)).isEqualTo("partition 0 line 0\n");
        }
        assertThat(Files.readString(file)).isEqualTo("partition 0 line 0\npartition 1 line 0\n");
    }

    @Test
    void shouldHoldEveryPartitionToTheEndWhenNoneWasDeclared() throws IOException {
        Path file = dir.resolve("out.ndjson");
        try (PartitionOrderedFile out = new PartitionOrderedFile(file, List.of(), dir, 10)) {
            out.part(7).write(line(7, 0));
            out.part(2).write(line(2, 0));
            out.part(7).write(line(7, 1));

            assertThat(Files.size(file)).isZero();
        }
        assertThat(Files.readAllLines(file))
                .containsExactly("partition 2 line 0", "partition 7 line 0", "partition 7 line 1");
    }

    @Test
    void shouldRefuseAPartitionOutsideTheDeclaredOnes() {
        try (PartitionOrderedFile out = new PartitionOrderedFile(dir.resolve("out"), List.of(0, 1), dir, 10)) {
            assertThatThrownBy(() -> out.part(2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("partition 2 is not one of [0, 1]");
        }
    }

    private static byte[] line(int partition, int line) {
        return ("partition " + partition + " line " + line + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> expected(List<Integer> order, int lines) {
        return order.stream()
                .flatMap(p -> IntStream.range(0, lines).mapToObj(l -> "partition " + p + " line " + l))
                .toList();
    }
}
