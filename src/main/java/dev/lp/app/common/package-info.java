/**
 * What several parts of the command line share and that depends on none of them: the demo tasks and
 * the process's temporary directories. A leaf package, so the commands, the Kafka edge, the model
 * loading and the benches can all use it without import cycles (ArchitectureTest).
 */
package dev.lp.app.common;
