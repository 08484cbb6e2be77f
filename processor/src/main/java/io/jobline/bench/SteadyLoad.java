package io.jobline.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends a workload's timeline at a steady rate, in transactions of a fixed length as the
 * processor publishes them, stamping each record with the wall clock and logging where it landed.
 */
final class SteadyLoad implements Runnable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final int perSecond;
    private final long transactionNanos;
    private final List<Workload.Entry> log;
    private final SendLog sendLog = new SendLog();
    private volatile boolean stopped;
    private volatile long sent;
    private volatile long startNanos;
    private volatile long endNanos;

    SteadyLoad(
            KafkaProducer<String, byte[]> producer,
            String topic,
            int perSecond,
            Duration transactionEvery,
            List<Workload.Entry> log) {
        this.producer = producer;
        this.topic = topic;
        this.perSecond = perSecond;
        this.transactionNanos = transactionEvery.toNanos();
        this.log = log;
    }

    @Override
    public void run() {
        startNanos = System.nanoTime();
        long[] transactionStart = {startNanos};
        try {
            producer.beginTransaction();
            TimelineRenderer.render(log, event -> {
                if (stopped) {
                    return;
                }
                LockSupport.parkNanos(startNanos + sent * 1_000_000_000L / perSecond - System.nanoTime());
                producer.send(new ProducerRecord<>(topic, event.key(), event.value()), (metadata, error) -> {
                    if (error == null) {
                        sendLog.add(metadata.partition(), metadata.offset(), metadata.timestamp());
                    }
                });
                sent++;
                if (System.nanoTime() - transactionStart[0] >= transactionNanos) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                    transactionStart[0] = System.nanoTime();
                }
            });
            producer.commitTransaction();
        } finally {
            endNanos = System.nanoTime();
            producer.close();
        }
    }

    void stop() {
        stopped = true;
    }

    SendLog sendLog() {
        return sendLog;
    }

    long sent() {
        return sent;
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
