package io.jobline.airgap;

import io.jobline.wire.Timestamps;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Tamper evidence for a timeline: every job's hash chain (each event hashes to its {@code hash},
 * links by {@code prevhash} to the job's previous event, and has the next sequence) and, given a
 * second timeline, a record-by-record comparison per job: same events, same order, same keys,
 * headers, timestamps and partitions. Reports the first divergence of each job.
 *
 * <p>Jobs are independent, so only the order of a job's own events counts; partitions may be
 * listed in any order.
 */
public final class TimelineVerifier {

    /** How a job's timeline departs from what it should be. */
    public enum Kind {
        CHANGED,
        MISSING,
        REORDERED,
        EXTRA;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The first divergence of one job. */
    public record Divergence(String jobId, Kind kind, String detail) {
        @Override
        public String toString() {
            return jobId + ": " + kind.wireName() + ": " + detail;
        }
    }

    /** What verify found: divergences sorted by job, empty when everything holds. */
    public record Report(long records, int jobs, List<Divergence> divergences) {
        public boolean holds() {
            return divergences.isEmpty();
        }
    }

    private static final long PROGRESS_INTERVAL_MS = 5_000;

    private TimelineVerifier() {}

    /** Checks the hash chain of every job of {@code timeline}. */
    public static Report verify(LogInput timeline) {
        return verify(timeline, TransferProgress.Listener.NONE);
    }

    /** As above, reporting the records read so far every five seconds. */
    public static Report verify(LogInput timeline, TransferProgress.Listener listener) {
        return verify(timeline, listener, PROGRESS_INTERVAL_MS);
    }

    static Report verify(LogInput timeline, TransferProgress.Listener listener, long progressIntervalMs) {
        Scan scan = scan(timeline, true, new TransferProgress("verify", -1, listener, progressIntervalMs));
        return new Report(scan.records, scan.chains.size(), sorted(scan.chainDivergences()));
    }

    /**
     * Checks the chains of {@code timeline} and compares it with {@code expected}; where both find
     * something about a job, the comparison's finding is the more precise and is the one reported.
     */
    public static Report verify(LogInput timeline, LogInput expected) {
        return verify(timeline, expected, TransferProgress.Listener.NONE);
    }

    /** As above, reporting the records read so far, of both, every five seconds. */
    public static Report verify(LogInput timeline, LogInput expected, TransferProgress.Listener listener) {
        TransferProgress progress = new TransferProgress("verify", -1, listener, PROGRESS_INTERVAL_MS);
        Scan actual = scan(timeline, true, progress);
        Scan reference = scan(expected, false, progress);
        Map<String, Divergence> found = new HashMap<>();
        for (Divergence divergence : actual.chainDivergences()) {
            found.put(divergence.jobId(), divergence);
        }
        reference.events.forEach((job, events) -> {
            Divergence divergence = compare(job, events, actual.events.getOrDefault(job, List.of()));
            if (divergence != null) {
                found.put(job, divergence);
            }
        });
        actual.events.forEach((job, events) -> {
            if (!reference.events.containsKey(job)) {
                found.put(
                        job,
                        new Divergence(
                                job,
                                Kind.EXTRA,
                                events.size() + " event(s) of a job the expected"
                                        + " timeline does not have, from sequence "
                                        + events.get(0).sequence()));
            }
        });
        return new Report(actual.records, actual.events.size(), sorted(found.values()));
    }

    private static List<Divergence> sorted(Collection<Divergence> divergences) {
        return divergences.stream()
                .sorted(Comparator.comparing(Divergence::jobId))
                .toList();
    }

    // ---- the chain ----------------------------------------------------------------------------

    /**
     * One pass over a timeline: chain checks, and each job's events for a comparison. A bundle's
     * partitions are scanned on every core at once: a job's events all live on the partition of
     * its id, so each partition's chains are whole. Should a job turn up on two partitions, its
     * chain is only whole in one pass over all of them, and that is what follows.
     */
    private static Scan scan(LogInput input, boolean checkChains, TransferProgress progress) {
        List<LogInput.Part> parts = input.parts();
        if (parts.size() < 2 || Runtime.getRuntime().availableProcessors() < 2) {
            return scanInOrder(input, checkChains, progress);
        }
        Scan merged = Scan.merge(parts.parallelStream()
                .map(part -> scanPart(input, part, checkChains, progress))
                .toList());
        if (merged != null) {
            return merged;
        }
        // A job on two partitions: read it all again in one pass, its records counted already.
        return scanInOrder(
                input,
                checkChains,
                new TransferProgress("verify", -1, TransferProgress.Listener.NONE, PROGRESS_INTERVAL_MS));
    }

    private static Scan scanInOrder(LogInput input, boolean checkChains, TransferProgress progress) {
        Scan scan = new Scan(checkChains);
        input.forEach(record -> {
            scan.accept(record);
            progress.add(1, record.payloadBytes());
        });
        return scan;
    }

    private static Scan scanPart(LogInput input, LogInput.Part part, boolean checkChains, TransferProgress progress) {
        Scan scan = new Scan(checkChains);
        TransferProgress.Batch counted = progress.batch(); // two threads share the progress
        input.forEach(part, record -> {
            scan.accept(record);
            counted.add(record.payloadBytes());
        });
        counted.flush();
        return scan;
    }

    private static final class Scan {
        private final boolean checkChains;
        private final Map<String, Chain> chains = new LinkedHashMap<>();
        private final Map<String, List<Fingerprint>> events = new HashMap<>();
        private final Map<String, String> headerTexts = new HashMap<>();
        private long records;

        Scan(boolean checkChains) {
            this.checkChains = checkChains;
        }

        void accept(LogRecord record) {
            records++;
            TimelineEventHeader event = TimelineEventHeader.parse(record.value());
            String key = record.keyString();
            String job = event != null ? event.jobId() : key != null ? key : "(null key)";
            Chain chain = chains.computeIfAbsent(job, id -> new Chain());
            List<Fingerprint> seen = events.computeIfAbsent(job, id -> new ArrayList<>(8));
            if (checkChains) {
                chain.check(job, record, event, key, seen);
            }
            seen.add(fingerprint(record, event, job, key));
        }

        /** The scans of disjoint partitions as one; null when a job has events in two of them. */
        static Scan merge(List<Scan> scans) {
            Scan merged = new Scan(scans.get(0).checkChains);
            for (Scan scan : scans) {
                for (String job : scan.chains.keySet()) {
                    if (merged.chains.containsKey(job)) {
                        return null;
                    }
                }
                merged.chains.putAll(scan.chains);
                merged.events.putAll(scan.events);
                merged.records += scan.records;
            }
            return merged;
        }

        List<Divergence> chainDivergences() {
            List<Divergence> divergences = new ArrayList<>();
            chains.forEach((job, chain) -> {
                if (chain.divergence != null) {
                    divergences.add(chain.divergence);
                }
            });
            return divergences;
        }

        private Fingerprint fingerprint(LogRecord record, TimelineEventHeader event, String job, String key) {
            String value;
            if (record.value() == null) {
                value = "null";
            } else if (event != null && event.hash().equals(event.recomputed())) {
                // The bytes are the body plus its own hash, so the hash stands for all of them.
                value = event.hash();
            } else {
                value = "bytes:" + Bundle.Digests.sha256Hex(record.value());
            }
            StringBuilder headers = new StringBuilder();
            for (LogRecord.Header header : record.headers()) {
                headers.append(header.key())
                        .append('=')
                        .append(
                                header.value() == null
                                        ? "(null)"
                                        : Base64.getEncoder().encodeToString(header.value()))
                        .append(';');
            }
            String headerText = headerTexts.computeIfAbsent(headers.toString(), text -> text);
            return new Fingerprint(
                    event == null ? -1 : event.sequence(),
                    record.partition(),
                    record.timestamp(),
                    value,
                    Objects.equals(key, job) ? null : String.valueOf(key),
                    headerText);
        }
    }

    /** The chain state of one job: the next sequence, the head hash, and the first divergence. */
    private static final class Chain {
        private long next = 1;
        private String head;
        private Divergence divergence;
        /** After a gap: the sequence that, should it turn up later, makes the gap a reordering. */
        private long awaited = -1;

        /**
         * @param seen the job's records before this one: until the first divergence, its accepted
         *     events, event n at index n - 1
         */
        void check(String job, LogRecord record, TimelineEventHeader event, String key, List<Fingerprint> seen) {
            if (divergence != null) {
                if (awaited > 0 && event != null && event.sequence() == awaited) {
                    divergence = new Divergence(
                            job,
                            Kind.REORDERED,
                            "event " + awaited + " comes after event " + (awaited + 1) + " or later");
                    awaited = -1;
                }
                return;
            }
            if (event == null) {
                divergence = new Divergence(
                        job,
                        Kind.CHANGED,
                        "a record " + where(record) + " is not a sealed timeline event (after sequence " + (next - 1)
                                + ")");
                return;
            }
            long sequence = event.sequence();
            if (!event.hash().equals(event.recomputed())) {
                divergence = new Divergence(
                        job,
                        Kind.CHANGED,
                        "event " + sequence + " " + where(record) + " does not match its hash: its bytes were changed");
            } else if (!job.equals(key)) {
                divergence = new Divergence(
                        job,
                        Kind.CHANGED,
                        "event " + sequence + " " + where(record) + " has the record key "
                                + (key == null ? "null" : "'" + key + "'") + ", not its subject");
            } else if (!Timestamps.format(record.timestamp()).equals(event.time())) {
                divergence = new Divergence(
                        job,
                        Kind.CHANGED,
                        "event " + sequence + " " + where(record)
                                + " has the record timestamp " + Timestamps.format(record.timestamp())
                                + ", not its time " + event.time());
            } else if (sequence > next) {
                divergence = new Divergence(
                        job,
                        Kind.MISSING,
                        "event " + next + (sequence > next + 1 ? " to " + (sequence - 1) : "") + " missing: event "
                                + sequence + " follows event " + (next - 1));
                awaited = next;
            } else if (sequence < next) {
                // An earlier sequence again: a copy of that event (extra), or another one (reordered).
                divergence = sequence >= 1
                                && seen.get((int) sequence - 1).value().equals(event.hash())
                        ? new Divergence(job, Kind.EXTRA, "event " + sequence + " appears twice")
                        : new Divergence(job, Kind.REORDERED, "event " + sequence + " comes after event " + (next - 1));
            } else if (!Objects.equals(event.prevhash(), head)) {
                divergence = new Divergence(
                        job,
                        Kind.CHANGED,
                        sequence == 1
                                ? "event 1 links to a previous event"
                                : "event " + sequence + " does not link to event " + (sequence - 1) + ": event "
                                        + (sequence - 1) + " was changed or replaced");
            } else {
                head = event.hash();
                next++;
            }
        }
    }

    private static String where(LogRecord record) {
        if (record.hasOffset()) {
            return "(partition " + record.partition() + ", offset " + record.offset() + ")";
        }
        return record.hasPartition() ? "(partition " + record.partition() + ")" : "";
    }

    // ---- the comparison ------------------------------------------------------------------------

    /**
     * One record reduced to what identifies it.
     *
     * @param value the event's hash (which covers all its bytes), or a digest of other bytes
     * @param key the record key when it is not the job id, else null
     */
    private record Fingerprint(long sequence, int partition, long timestamp, String value, String key, String headers) {

        boolean sameEvent(Fingerprint other) {
            return value.equals(other.value);
        }

        /** What differs besides the value, or null when nothing does. */
        String metadataDifference(Fingerprint expected) {
            if (timestamp != expected.timestamp) {
                return "record timestamp " + timestamp + " instead of " + expected.timestamp;
            }
            if (partition != expected.partition && partition >= 0 && expected.partition >= 0) {
                return "partition " + partition + " instead of " + expected.partition;
            }
            if (!Objects.equals(key, expected.key)) {
                return "record key " + key + " instead of " + expected.key;
            }
            if (!headers.equals(expected.headers)) {
                return "headers " + headers + " instead of " + expected.headers;
            }
            return null;
        }

        String name() {
            return sequence > 0 ? "event " + sequence : "a record that is not an event";
        }
    }

    private static Divergence compare(String job, List<Fingerprint> expected, List<Fingerprint> actual) {
        if (actual.isEmpty()) {
            return new Divergence(job, Kind.MISSING, "all " + expected.size() + " event(s) missing");
        }
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            if (i >= actual.size()) {
                return new Divergence(
                        job,
                        Kind.MISSING,
                        expected.get(i).name()
                                + (expected.size() - i > 1 ? " and the " + (expected.size() - i - 1) + " after it" : "")
                                + " missing after "
                                + actual.get(i - 1).name());
            }
            if (i >= expected.size()) {
                return extra(job, actual.get(i), expected, "");
            }
            Fingerprint e = expected.get(i);
            Fingerprint a = actual.get(i);
            if (a.sameEvent(e)) {
                String difference = a.metadataDifference(e);
                if (difference != null) {
                    return new Divergence(job, Kind.CHANGED, e.name() + ": " + difference);
                }
                continue;
            }
            if (a.sequence == e.sequence) {
                return new Divergence(job, Kind.CHANGED, e.name() + " differs from the expected one");
            }
            // The expected record further on is a reordering only when this one is expected further
            // on too; otherwise this one was put in before it (a copy, or a record of its own).
            boolean expectedLater = indexOf(actual, e, i + 1) >= 0;
            boolean actualLater = indexOf(expected, a, i + 1) >= 0;
            if (expectedLater && actualLater) {
                return new Divergence(job, Kind.REORDERED, e.name() + " comes after " + a.name());
            }
            if (actualLater) {
                return new Divergence(job, Kind.MISSING, e.name() + " missing before " + a.name());
            }
            return extra(job, a, expected, expectedLater ? "" : " (in the place of " + e.name() + ")");
        }
        return null;
    }

    /** {@code record} is one too many: a second copy of an expected record, or one the expected timeline lacks. */
    private static Divergence extra(String job, Fingerprint record, List<Fingerprint> expected, String place) {
        if (indexOf(expected, record, 0) >= 0) {
            return new Divergence(job, Kind.EXTRA, record.name() + " appears twice" + place);
        }
        return new Divergence(job, Kind.EXTRA, record.name() + " is not in the expected timeline" + place);
    }

    private static int indexOf(List<Fingerprint> events, Fingerprint wanted, int from) {
        for (int i = from; i < events.size(); i++) {
            if (events.get(i).sameEvent(wanted)) {
                return i;
            }
        }
        return -1;
    }
}
