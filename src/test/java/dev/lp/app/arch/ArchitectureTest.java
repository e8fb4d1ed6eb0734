package dev.lp.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rules README "Architecture" states, checked on the compiled main classes of every module:
 * the pure cores (DSL, sampler, search, the code-generation corpus) import no DJL, Pekko or Kafka; the model side imports no
 * Pekko or Kafka; the serving engine reaches DJL only through the SynthesisModel port; training
 * and serving do not import each other's actors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {

  private JavaClasses classes;

  @BeforeAll
  void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lp");
  }

  @Test
  void pureCoresImportNoFramework() {
    noClasses().that().resideInAnyPackage("dev.lp.dsl..", "dev.lp.data..", "dev.lp.search..", "dev.lp.codegen..")
        .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.apache.pekko..", "org.apache.kafka..")
        .check(classes);
  }

  @Test
  void theModelSideImportsNoServingFramework() {
    noClasses().that().resideInAnyPackage("dev.lp.nn..", "dev.lp.eval..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "org.apache.kafka..", "dev.lp.actors..")
        .check(classes);
  }

  @Test
  void theEngineReachesTheModelOnlyThroughItsPort() {
    noClasses().that().resideInAnyPackage("dev.lp.actors..")
        .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "dev.lp.nn..", "dev.lp.trainer..")
        .check(classes);
  }

  @Test
  void trainingDoesNotImportTheEngine() {
    noClasses().that().resideInAnyPackage("dev.lp.trainer..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.lp.actors..", "org.apache.pekko..")
        .check(classes);
  }

  /** Serving (the engine and its Kafka edge) loads checkpoints through the checkpoint module, never the trainer. */
  @Test
  void servingImportsNoTrainer() {
    noClasses().that().resideInAnyPackage("dev.lp.actors..", "dev.lp.app.kafka..", "dev.lp.app.models..", "dev.lp.app.ops..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.lp.trainer..")
        .check(classes);
  }

  /** The checkpoint module sits below both the trainer and serving. */
  @Test
  void checkpointsImportNeitherTrainerNorEngine() {
    noClasses().that().resideInAnyPackage("dev.lp.checkpoint..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.lp.trainer..", "dev.lp.actors..", "dev.lp.app..",
            "org.apache.pekko..", "ai.djl..")
        .check(classes);
  }
}
