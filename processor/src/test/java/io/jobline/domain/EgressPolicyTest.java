package io.jobline.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {

    private final EgressPolicy sealed =
            new EgressPolicy(true, List.of("https://api.internal", "db.internal:5432", "*.mirror.local:443"));

    @Test
    void shouldAdmitEverythingWhenNotSealed() {
        assertThat(EgressPolicy.OPEN.blocked(List.of("https://example.com"))).isEmpty();
        assertThat(EgressPolicy.OPEN.admission()).isEqualTo(Admission.OPEN);
    }

    @Test
    void shouldCompareEntriesAsHostAndPort() {
        assertThat(sealed.blocked(List.of("api.internal:443", "HTTPS://API.internal/v1", "db.internal:5432")))
                .isEmpty();
        assertThat(sealed.blocked(List.of("http://api.internal"))).containsExactly("http://api.internal");
    }

    @Test
    void shouldMatchWildcardSubdomainsButNotTheBareDomain() {
        assertThat(sealed.blocked(List.of("https://pypi.mirror.local"))).isEmpty();
        assertThat(sealed.blocked(List.of("mirror.local:443"))).containsExactly("mirror.local:443");
    }

    @Test
    void shouldReadTheHostAsAUrlParserDoesNotAsASuffix() {
        // Each ends like a subdomain of mirror.local, which the allowlist covers; each is evil.com.
        List<String> tricks = List.of("https://evil.com?.mirror.local", "https://evil.com#.mirror.local");
        for (String trick : tricks) {
            assertThat(EgressPolicy.problem(trick)).as(trick).isNull();
        }
        assertThat(sealed.blocked(tricks)).containsExactlyElementsOf(tricks);
    }

    @Test
    void shouldRefuseEntriesWhoseHostIsNotOne() {
        List<String> malformed = List.of(
                "https://evil.com\\.mirror.local",
                "https://user@evil.com/.mirror.local",
                "evil.com .mirror.local:443",
                " db.internal:5432",
                "https://\u212Aafka.mirror.local"); // a Kelvin sign, which lower-cases to k
        for (String entry : malformed) {
            assertThat(EgressPolicy.problem(entry)).as(entry).contains("is not host:port");
        }
        assertThat(sealed.blocked(malformed)).containsExactlyElementsOf(malformed);
    }

    @Test
    void shouldTakeEveryFormTheDesignNames() {
        for (String entry : List.of(
                "db.internal:5432",
                "https://api.internal",
                "HTTP://Api.Internal:8080/v1/x",
                "*.mirror.local:443",
                "10.0.0.7:9092",
                "[fd00::1]:443",
                "https://[fd00::1]/path",
                "https://api.internal/v1/items?limit=10#top")) {
            assertThat(EgressPolicy.problem(entry)).as(entry).isNull();
        }
        assertThat(EgressPolicy.problem("db.internal:70000")).contains("not 1 to 65535");
        assertThat(EgressPolicy.problem("db.internal:0")).contains("not 1 to 65535");
    }

    @Test
    void shouldListOnlyTheEntriesThatAreNotCovered() {
        assertThat(sealed.blocked(List.of("db.internal:5432", "https://github.com")))
                .containsExactly("https://github.com");
    }

    @Test
    void shouldDigestTheNormalizedAllowlistIndependentlyOfOrderAndSpelling() {
        EgressPolicy same =
                new EgressPolicy(true, List.of("*.mirror.local:443", "DB.internal:5432", "api.internal:443"));
        assertThat(same.admission()).isEqualTo(sealed.admission());
        assertThat(sealed.admission().allowlistDigest()).matches("sha256:[0-9a-f]{64}");
    }
}
