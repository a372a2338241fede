package io.portcullis.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of shared/design.md, checked on the compiled classes of every module:
 * the engine knows nothing of Camel, CXF, WSS4J or servers; only one engine package knows Drools;
 * adapters know nothing of Drools or of each other.
 */
class ArchitectureTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.portcullis");
    }

    @Test
    void engineStaysFreeOfIntegrationAndProtocolFrameworks() {
        noClasses().that().resideInAPackage("io.portcullis.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "org.apache.cxf..",
                        "org.apache.wss4j..", "org.apache.xml.security..", "io.netty..", "io.vertx..", "jakarta.servlet..",
                        "graphql..", "io.portcullis.rest..", "io.portcullis.soap..", "io.portcullis.graphql..",
                        "io.portcullis.camel..", "io.portcullis.examples..")
                .check(classes);
    }

    @Test
    void onlyTheDroolsPackageKnowsDrools() {
        noClasses().that().resideOutsideOfPackage("io.portcullis.engine.drools..")
                .should().dependOnClassesThat().resideInAnyPackage("org.drools..", "org.kie..")
                .check(classes);
    }

    @Test
    void adaptersDoNotKnowEachOtherOrCamel() {
        noClasses().that().resideInAPackage("io.portcullis.rest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.portcullis.soap..", "io.portcullis.graphql..",
                        "io.portcullis.camel..", "org.apache.camel..")
                .check(classes);
        noClasses().that().resideInAPackage("io.portcullis.soap..")
                .should().dependOnClassesThat().resideInAnyPackage("io.portcullis.rest..", "io.portcullis.graphql..",
                        "io.portcullis.camel..", "org.apache.camel..")
                .check(classes);
        noClasses().that().resideInAPackage("io.portcullis.graphql..")
                .should().dependOnClassesThat().resideInAnyPackage("io.portcullis.rest..", "io.portcullis.soap..",
                        "io.portcullis.camel..", "org.apache.camel..")
                .check(classes);
    }
}
