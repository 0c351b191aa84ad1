/** Metrics, evaluation protocols and the evaluator. */
module dev.kindred.eval {
  requires transitive dev.kindred.core;
  requires org.slf4j;
  requires com.fasterxml.jackson.databind;

  exports dev.kindred.eval;
  exports dev.kindred.eval.report;
  exports dev.kindred.eval.tune;
}
