/**
 * The training algorithms, one package per family, and the model registry that every front end
 * reads. The registry's command-line binding ({@code ModelOptions}) needs picocli, which front
 * ends bring; the rest does not.
 */
module dev.kindred.train {
  requires transitive dev.kindred.core;
  requires org.slf4j;
  // EJML's jars have no module descriptor: automatic modules named after the jar files.
  requires ejml.core;
  requires ejml.ddense;
  requires static info.picocli;

  exports dev.kindred.train.als;
  exports dev.kindred.train.baseline;
  exports dev.kindred.train.bpr;
  exports dev.kindred.train.graph;
  exports dev.kindred.train.hybrid;
  exports dev.kindred.train.mf;
  exports dev.kindred.train.nn;
  exports dev.kindred.train.registry;

  // picocli sets ModelOptions' fields reflectively.
  opens dev.kindred.train.registry to info.picocli;
}
