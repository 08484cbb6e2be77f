package io.jobline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobline.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the API tests: JSON in, status and JSON out. */
final class ApiClient {

    record Response(int status, String contentType, String location, String text) {
        JsonNode body() {
            try {
                return text.isEmpty() ? null : Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text, e);
            }
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    ApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    ApiClient as(String otherToken) {
        return new ApiClient(base, otherToken);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** A GET as another instance forwards it: answered by the receiver, never forwarded again. */
    Response getForwarded(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header(io.jobline.api.StoreJobReader.FORWARDED_HEADER, "1")
                .GET());
    }

    Response post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Response send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("content-type").orElse(""),
                    response.headers().firstValue("location").orElse(null),
                    new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Response(-1, "", null, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
