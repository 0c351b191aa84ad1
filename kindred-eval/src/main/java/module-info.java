/** Metrics, evaluation protocols and the evaluator. */
module dev.kindred.eval {
  requires transitive dev.kindred.core;
  requires org.slf4j;

  exports dev.kindred.eval;
}
