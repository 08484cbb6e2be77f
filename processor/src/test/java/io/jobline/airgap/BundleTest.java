package io.jobline.airgap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.jobline.config.JoblineConfig;
import io.jobline.schema.SchemaName;
import io.jobline.schema.Schemas;
import io.jobline.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles: files and manifest written, read back, packed, and refused when anything was changed. */
class BundleTest {

    private static final ProcessorPolicy SEALED = ProcessorPolicy.from(AirGapFixtures.sealedConfig());

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatWasWrittenPartitionByPartition() {
        List<LogRecord> records = records(40);
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 3, records, SEALED);

        try (LogInput input = LogInput.open(bundle, m -> "jobline.commands")) {
            List<LogRecord> read = new ArrayList<>();
            input.forEach(read::add);
            assertThat(read).hasSize(40).extracting(LogRecord::partition).isSorted();
            assertThat(read).allSatisfy(r -> assertThat(r.partition()).isEqualTo(Partitioning.forKey(r.key(), 3)));
            assertThat(input.partitions()).hasValue(3);
            Manifest.Topic topic =
                    input.manifest().orElseThrow().topic("jobline.commands").orElseThrow();
            assertThat(topic.files())
                    .extracting(Manifest.PartitionFile::records)
                    .containsExactly(count(read, 0), count(read, 1), count(read, 2));
        }
    }

    @Test
    void shouldRefuseToOpenAPartitionFileTwice() {
        try (BundleWriter bundle = new BundleWriter(dir.resolve("bundle"))) {
            bundle.open("jobline.commands", 0).write(records(1).get(0));
            assertThatThrownBy(() -> bundle.open("jobline.commands", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is open already");
        }
    }

    @Test
    void shouldRecordThePolicyInAManifestThatMatchesItsSchema() throws IOException {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 2, records(5), SEALED);

        byte[] json = Files.readAllBytes(bundle.resolve(Bundle.MANIFEST));
        Schemas.assertValid(SchemaName.BUNDLE_MANIFEST, Json.MAPPER.readTree(json));
        Manifest manifest = Manifest.parse(json, "manifest.json");
        assertThat(manifest.processor().policy()).usingRecursiveComparison().isEqualTo(SEALED);
        assertThat(manifest.processor().policy().egress().admission())
                .isEqualTo(AirGapFixtures.sealedConfig().egressPolicy().admission());
        assertThat(Manifest.parse(manifest.toJson(), "again"))
                .usingRecursiveComparison()
                .isEqualTo(manifest);
    }

    @Test
    void shouldRefuseAManifestWhosePartitionsDoNotFitItsTopic() throws IOException {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 2, records(5), SEALED);
        String json = Files.readString(bundle.resolve(Bundle.MANIFEST));
        assertThat(json).contains("\"partitions\" : 2").contains("\"partition\" : 1,");
        // Each manifest as changed, and what it is refused for.
        Map<String, String> refused = Map.of(
                json.replace("\"partitions\" : 2", "\"partitions\" : 0"),
                "partitions 0 is out of range",
                json.replace("\"partitions\" : 2", "\"partitions\" : 4294967298"),
                "partitions 4294967298 is out of range",
                json.replace("\"partition\" : 1,", "\"partition\" : 4294967297,"),
                "partition 4294967297 is out of range",
                json.replace("\"partition\" : 1,", "\"partition\" : 2,"),
                "partition 2 is out of range",
                json.replace("\"partition\" : 1,", "\"partition\" : 0,"),
                "partition 0 of jobline.commands is listed twice",
                json.replace("jobline.commands-1.ndjson", "jobline.commands-0.ndjson"),
                "jobline.commands-0.ndjson is listed twice",
                json.replaceAll("\"maxCommandBytes\" : \\d+", "\"maxCommandBytes\" : 4295229440"),
                "maxCommandBytes 4295229440 is out of range");

        refused.forEach((manifest, why) -> assertThatThrownBy(() -> parse(manifest))
                .as(why)
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining(why));
    }

    private static Manifest parse(String json) {
        return Manifest.parse(json.getBytes(StandardCharsets.UTF_8), "manifest.json");
    }

    @Test
    void shouldRecordEveryDecisionSettingOfTheConfiguration() {
        ProcessorPolicy policy = ProcessorPolicy.from(JoblineConfig.of(java.util.Map.of(
                "jobline.retry.max.retries",
                "7",
                "jobline.retry.jitter",
                "0.5",
                "jobline.lease.default.ms",
                "999",
                "jobline.dependencies.max",
                "3",
                "jobline.command.max.bytes",
                "4096")));
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 1, records(1), policy);

        try (Bundle opened = Bundle.open(bundle)) {
            assertThat(opened.manifest().processor().policy())
                    .usingRecursiveComparison()
                    .isEqualTo(policy);
        }
    }

    @Test
    void shouldPackAndUnpackATarGz() throws Exception {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 2, records(20), SEALED);
        Path tarGz = dir.resolve("bundle.tar.gz");
        TarGz.pack(
                List.of(
                        bundle.resolve(Bundle.MANIFEST),
                        bundle.resolve("jobline.commands-0.ndjson"),
                        bundle.resolve("jobline.commands-1.ndjson")),
                tarGz);

        try (Bundle opened = Bundle.open(tarGz)) {
            opened.verify();
            assertThat(opened.manifest().records()).isEqualTo(20);
        }
        assumeThat(hasTar()).as("tar on this machine").isTrue();
        Path extracted = Files.createDirectories(dir.resolve("extracted"));
        run("tar", "xzf", tarGz.toString(), "-C", extracted.toString());
        assertThat(Files.readAllBytes(extracted.resolve("jobline.commands-1.ndjson")))
                .isEqualTo(Files.readAllBytes(bundle.resolve("jobline.commands-1.ndjson")));
    }

    @Test
    void shouldPackAndUnpackATarGzOfATopicWhoseFileNameIsLongerThanUstarHolds() throws Exception {
        String topic = "site-a.jobline.commands." + "x".repeat(200); // Kafka takes names of up to 249
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), topic, 1, records(5), SEALED);
        String file = Bundle.fileName(topic, 0);
        Path tarGz = dir.resolve("bundle.tar.gz");
        TarGz.pack(List.of(bundle.resolve(Bundle.MANIFEST), bundle.resolve(file)), tarGz);

        try (Bundle opened = Bundle.open(tarGz)) {
            opened.verify();
            assertThat(opened.topic(topic).files())
                    .singleElement()
                    .satisfies(f -> assertThat(f.records()).isEqualTo(5));
        }
        assumeThat(hasTar()).as("tar on this machine").isTrue();
        Path extracted = Files.createDirectories(dir.resolve("extracted"));
        run("tar", "xzf", tarGz.toString(), "-C", extracted.toString());
        assertThat(Files.readAllBytes(extracted.resolve(file))).isEqualTo(Files.readAllBytes(bundle.resolve(file)));
    }

    /** A header whose checksum holds but whose base-256 size is negative: a damaged archive, not a crash. */
    @Test
    void shouldRefuseATarGzWhoseHeaderGivesANegativeSize() throws Exception {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 1, records(5), SEALED);
        Path tarGz = dir.resolve("bundle.tar.gz");
        TarGz.pack(List.of(bundle.resolve(Bundle.MANIFEST)), tarGz);
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarGz))) {
            tar = in.readAllBytes();
        }
        Arrays.fill(tar, 124, 136, (byte) 0xFF); // base-256 (top bit set), all ones: -1
        Arrays.fill(tar, 148, 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[i] & 0xFF;
        }
        byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, tar, 148, 8);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tarGz))) {
            out.write(tar);
        }

        assertThatThrownBy(() -> Bundle.open(tarGz))
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining("a tar header has a bad size");
    }

    @Test
    void shouldReportTheUnpackingAndTheDigestCheckFileByFile() throws Exception {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 3, records(30), SEALED);
        List<Path> files = List.of(
                bundle.resolve(Bundle.MANIFEST),
                bundle.resolve("jobline.commands-0.ndjson"),
                bundle.resolve("jobline.commands-1.ndjson"),
                bundle.resolve("jobline.commands-2.ndjson"));
        Path tarGz = dir.resolve("bundle.tar.gz");
        TarGz.pack(files, tarGz);
        List<TransferProgress.Snapshot> reports = new ArrayList<>();

        try (Bundle opened = Bundle.open(tarGz, reports::add)) {
            opened.verify(reports::add);
        }

        long allBytes = 0;
        for (Path file : files) {
            allBytes += Files.size(file);
        }
        long logBytes = allBytes - Files.size(bundle.resolve(Bundle.MANIFEST));
        assertThat(reports).hasSize(2).allMatch(TransferProgress.Snapshot::done);
        assertThat(reports.get(0))
                .extracting(
                        TransferProgress.Snapshot::task,
                        TransferProgress.Snapshot::count,
                        TransferProgress.Snapshot::bytes)
                .containsExactly("unpack", 4L, allBytes);
        assertThat(reports.get(1))
                .extracting(
                        TransferProgress.Snapshot::task,
                        TransferProgress.Snapshot::count,
                        TransferProgress.Snapshot::expected,
                        TransferProgress.Snapshot::bytes)
                .containsExactly("digests", 3L, 3L, logBytes);
        assertThat(reports.get(1).toString()).startsWith("digests: 3 files, ");
    }

    @Test
    void shouldOpenABundleThatGnuTarPacked() throws Exception {
        assumeThat(hasTar()).as("tar on this machine").isTrue();
        AirGapFixtures.writeBundle(dir.resolve("site-a"), "jobline.commands", 2, records(20), SEALED);
        Path tarGz = dir.resolve("site-a.tgz");
        run("tar", "czf", tarGz.toString(), "-C", dir.toString(), "site-a");

        try (Bundle opened = Bundle.open(tarGz)) {
            opened.verify();
            assertThat(opened.manifest().records()).isEqualTo(20);
        }
    }

    @Test
    void shouldSayATarGzIsTruncatedWhenItEndsBeforeItsFirstBlock() throws Exception {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 1, records(5), SEALED);
        Path tarGz = dir.resolve("bundle.tar.gz");
        TarGz.pack(List.of(bundle.resolve(Bundle.MANIFEST), bundle.resolve("jobline.commands-0.ndjson")), tarGz);
        byte[] whole = Files.readAllBytes(tarGz);

        for (int length : new int[] {0, 5}) {
            Path cut = dir.resolve("cut-" + length + ".tar.gz");
            Files.write(cut, java.util.Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> Bundle.open(cut))
                    .isInstanceOf(AirGapException.class)
                    .hasMessageContaining(cut.toString())
                    .hasMessageNotContaining("null")
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void shouldRefuseABundleWithOneChangedByteNamingTheFile() throws IOException {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 2, records(20), SEALED);
        Path file = bundle.resolve("jobline.commands-1.ndjson");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        try (Bundle opened = Bundle.open(bundle)) {
            assertThatThrownBy(opened::verify)
                    .isInstanceOf(AirGapException.class)
                    .hasMessageContaining("jobline.commands-1.ndjson")
                    .hasMessageContaining("does not match its SHA-256");
        }
    }

    @Test
    void shouldRefuseABundleWithAMissingOrStrayFile() throws IOException {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 2, records(20), SEALED);
        Files.move(bundle.resolve("jobline.commands-0.ndjson"), bundle.resolve("jobline.commands-7.ndjson"));

        try (Bundle opened = Bundle.open(bundle)) {
            assertThatThrownBy(opened::verify)
                    .hasMessageContaining("jobline.commands-0.ndjson is listed in" + " manifest.json but missing");
        }
        Files.move(bundle.resolve("jobline.commands-7.ndjson"), bundle.resolve("jobline.commands-0.ndjson"));
        Files.writeString(bundle.resolve("extra-0.ndjson"), "{}\n");
        try (Bundle opened = Bundle.open(bundle)) {
            assertThatThrownBy(opened::verify).hasMessageContaining("extra-0.ndjson is not listed in manifest.json");
        }
    }

    /**
     * A bundle carried on a Mac picks up AppleDouble files ({@code ._name}, its extended
     * attributes) when copied to some disks or packed with its tar: they are not partition files.
     */
    @Test
    void shouldTakeABundleThatAMacAddedAppleDoubleFilesTo() throws IOException {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 2, records(20), SEALED);
        Files.write(bundle.resolve("._jobline.commands-0.ndjson"), new byte[] {0, 5, 22, 7, 0, 2});
        Files.write(bundle.resolve("._manifest.json"), new byte[] {0, 5, 22, 7, 0, 2});

        try (Bundle opened = Bundle.open(bundle)) {
            opened.verify();
        }
    }

    @Test
    void shouldRecogniseAnUnfinishedExport() throws IOException {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 1, records(2), SEALED);
        Files.delete(bundle.resolve(Bundle.MANIFEST));

        assertThatThrownBy(() -> Bundle.open(bundle))
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining("no manifest.json");
    }

    @Test
    void shouldNotOverwriteAnExistingBundle() throws IOException {
        Path bundle = AirGapFixtures.writeBundle(dir.resolve("bundle"), "jobline.commands", 1, records(2), SEALED);

        assertThatThrownBy(() -> new BundleWriter(bundle))
                .isInstanceOf(AirGapException.class)
                .hasMessageContaining("not an empty directory");
    }

    private static List<LogRecord> records(int count) {
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new LogRecord(
                    null,
                    LogRecord.NO_PARTITION,
                    LogRecord.NO_OFFSET,
                    1_764_000_000_000L + i,
                    ("job-" + i).getBytes(StandardCharsets.UTF_8),
                    ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                    List.of()));
        }
        return records;
    }

    private static long count(List<LogRecord> records, int partition) {
        return records.stream().filter(r -> r.partition() == partition).count();
    }

    private static boolean hasTar() {
        try {
            return new ProcessBuilder("tar", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    }
}
