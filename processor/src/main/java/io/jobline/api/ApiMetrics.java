package io.jobline.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;

/** The HTTP API's meters: requests by route, method and status, with their latency. */
public final class ApiMetrics implements MeterBinder {

    public static final String REQUESTS = "jobline.api.requests";

    private MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String route, String method, int status, Duration latency) {
        Timer.builder(REQUESTS)
                .description("HTTP requests to the API, by route, method and status, with their latency")
                .tag("route", route)
                .tag("method", method)
                .tag("status", Integer.toString(status))
                .tag("outcome", status < 400 ? "success" : status < 500 ? "client_error" : "server_error")
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(latency);
    }
}
