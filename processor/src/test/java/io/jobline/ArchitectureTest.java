package io.jobline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** Plain JUnit tests over ArchUnit's core API, so they run under any JUnit Platform engine setup. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jobline");

    private static final String[] INFRASTRUCTURE = {
        "org.apache.kafka..",
        "java.sql..",
        "javax.sql..",
        "org.postgresql..",
        "com.zaxxer..",
        "java.net.http..",
        "io.javalin..",
        "jakarta.servlet..",
        "org.eclipse.jetty..",
        "com.fasterxml.jackson..",
        "io.micrometer..",
        "io.jobline.stream..",
        "io.jobline.wire..",
        "io.jobline.config..",
        "io.jobline.sink..",
        "io.jobline.api.."
    };

    static ArchRule domainIsPureJava(String domainPackage) {
        return noClasses()
                .that()
                .resideInAPackage(domainPackage)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(INFRASTRUCTURE)
                .because("the decision must run the same in the topology, in an offline replay and in a unit"
                        + " test, with no broker, database, network or serialization in the way (DESIGN §1, §6)");
    }

    @Test
    void shouldKeepTheDomainFreeOfKafkaJdbcHttpAndSerialization() {
        domainIsPureJava("io.jobline.domain..").check(CLASSES);
    }

    @Test
    void shouldKeepTheWireCodecsFreeOfKafkaAndJdbc() {
        noClasses()
                .that()
                .resideInAPackage("io.jobline.wire..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "java.sql..")
                .because("the offline replay renders records with the same codecs and runs without Kafka")
                .check(CLASSES);
    }

    @Test
    void shouldCatchAViolationWhenThereIsOne() {
        // The rule is not vacuous: the stream package does import Kafka.
        assertThatThrownBy(() -> domainIsPureJava("io.jobline.stream..").check(CLASSES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.apache.kafka");
    }
}
