package io.jobline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.jobline", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainIsPureJava = noClasses()
            .that().resideInAPackage("io.jobline.domain..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.kafka..", "java.sql..", "javax.sql..", "org.postgresql..", "com.zaxxer..",
                    "java.net.http..", "io.javalin..", "jakarta.servlet..", "com.fasterxml.jackson..",
                    "io.micrometer..", "io.jobline.stream..", "io.jobline.wire..", "io.jobline.config..")
            .because("the decision must run the same in the topology, in an offline replay and in a unit test,"
                    + " with no broker, database, network or serialization in the way (DESIGN §1, §6)");

    @ArchTest
    static final ArchRule wireKnowsNoKafka = noClasses()
            .that().resideInAPackage("io.jobline.wire..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "java.sql..")
            .because("the offline replay renders records with the same codecs and runs without Kafka");
}
