package dev.lp.app.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rules README "Architecture" states, checked on the compiled main classes of every module:
 * the pure cores (DSL, sampler, search, the code-generation corpus) import no DJL, Pekko or Kafka; the model side imports no
 * Pekko or Kafka; the serving engine reaches DJL only through the SynthesisModel port; training
 * and serving do not import each other's actors; no package cycles; a planted violation is caught.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {

  static final ArchRule PURE_CORES_IMPORT_NO_FRAMEWORK = noClasses().that().resideInAnyPackage("dev.lp.dsl..", "dev.lp.data..", "dev.lp.search..", "dev.lp.codegen..")
      .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.apache.pekko..", "org.apache.kafka..");

  static final ArchRule THE_MODEL_SIDE_IMPORTS_NO_SERVING_FRAMEWORK = noClasses().that().resideInAnyPackage("dev.lp.nn..", "dev.lp.eval..")
      .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "org.apache.kafka..", "dev.lp.actors..");

  static final ArchRule THE_ENGINE_REACHES_THE_MODEL_ONLY_THROUGH_ITS_PORT = noClasses().that().resideInAnyPackage("dev.lp.actors..")
      .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "dev.lp.nn..", "dev.lp.trainer..");

  static final ArchRule TRAINING_DOES_NOT_IMPORT_THE_ENGINE = noClasses().that().resideInAnyPackage("dev.lp.trainer..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lp.actors..", "org.apache.pekko..");

  static final ArchRule SERVING_IMPORTS_NO_TRAINER = noClasses().that().resideInAnyPackage("dev.lp.actors..", "dev.lp.app.kafka..", "dev.lp.app.models..", "dev.lp.app.ops..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lp.trainer..");

  static final ArchRule CHECKPOINTS_IMPORT_NEITHER_TRAINER_NOR_ENGINE = noClasses().that().resideInAnyPackage("dev.lp.checkpoint..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.lp.trainer..", "dev.lp.actors..", "dev.lp.app..",
          "org.apache.pekko..", "ai.djl..");

  /**
   * No cycles between packages: among the modules' top-level packages, and among the packages of the
   * command line (its root, kafka, models, ops, bench, common...). Inside the search module, search and
   * search.vsa are one unit on purpose: the version space implements the core's TokenConstraint and the
   * core's TaskGuidance builds the version space.
   */
  static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.lp.(*)..").should().beFreeOfCycles();

  static final ArchRule NO_PACKAGE_CYCLES_IN_THE_APP = slices().assignedFrom(
      new com.tngtech.archunit.library.dependencies.SliceAssignment() {
        @Override
        public com.tngtech.archunit.library.dependencies.SliceIdentifier getIdentifierOf(
            com.tngtech.archunit.core.domain.JavaClass c) {
          String p = c.getPackageName();
          return p.equals("dev.lp.app") || p.startsWith("dev.lp.app.")
              ? com.tngtech.archunit.library.dependencies.SliceIdentifier.of(p)
              : com.tngtech.archunit.library.dependencies.SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "the packages of dev.lp.app";
        }
      }).should().beFreeOfCycles();

  private JavaClasses classes;

  @BeforeAll
  void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lp");
  }

  @Test
  void pureCoresImportNoFramework() {
    PURE_CORES_IMPORT_NO_FRAMEWORK.check(classes);
  }

  @Test
  void theModelSideImportsNoServingFramework() {
    THE_MODEL_SIDE_IMPORTS_NO_SERVING_FRAMEWORK.check(classes);
  }

  @Test
  void theEngineReachesTheModelOnlyThroughItsPort() {
    THE_ENGINE_REACHES_THE_MODEL_ONLY_THROUGH_ITS_PORT.check(classes);
  }

  @Test
  void trainingDoesNotImportTheEngine() {
    TRAINING_DOES_NOT_IMPORT_THE_ENGINE.check(classes);
  }

  /** Serving (the engine and its Kafka edge) loads checkpoints through the checkpoint module, never the trainer. */
  @Test
  void servingImportsNoTrainer() {
    SERVING_IMPORTS_NO_TRAINER.check(classes);
  }

  /** The checkpoint module sits below both the trainer and serving. */
  @Test
  void checkpointsImportNeitherTrainerNorEngine() {
    CHECKPOINTS_IMPORT_NEITHER_TRAINER_NOR_ENGINE.check(classes);
  }

  @Test
  void packagesAreFreeOfCycles() {
    NO_PACKAGE_CYCLES.check(classes);
    NO_PACKAGE_CYCLES_IN_THE_APP.check(classes);
  }

  /** The rules are not vacuous: a planted class of the search core that uses Pekko fails the first. */
  @Test
  void aPlantedViolationFails() {
    JavaClasses planted = new ClassFileImporter().importClasses(dev.lp.search.planted.PlantedViolation.class);
    AssertionError e = assertThrows(AssertionError.class, () -> PURE_CORES_IMPORT_NO_FRAMEWORK.check(planted));
    assertTrue(e.getMessage().contains("PlantedViolation"), e.getMessage());
  }
}
