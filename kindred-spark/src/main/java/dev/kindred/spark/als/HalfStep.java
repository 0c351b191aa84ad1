package dev.kindred.spark.als;

import dev.kindred.core.ModelFitException;
import dev.kindred.math.CholeskySolver;
import dev.kindred.math.ConjugateGradientSolver;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Gram;
import dev.kindred.math.NormalEquations;
import dev.kindred.train.als.AlsSolver;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import scala.Tuple2;

/**
 * One distributed ALS half-step: every source block ships each destination block only the factor
 * rows its {@link OutBlock} lists (one message per (source, destination) pair with interactions);
 * each destination block gathers its messages into one matrix laid out as its {@link InBlock}
 * says, then solves each of its rows with kindred-math's {@link NormalEquations} and
 * {@link ConjugateGradientSolver} (warm-started from the row's previous value, as on one machine)
 * or {@link CholeskySolver}. Rows without interactions stay zero.
 *
 * <p>For the implicit objective every source block also appends its partial Gram matrix
 * {@code F_b^T F_b} (kindred-math {@link Gram}, {@code k^2} floats) to its message for
 * <em>every</em> destination block, and each destination block sums the partials it receives in
 * source-block order into the shared {@code Y^T Y}: no separate reduction job and no broadcast,
 * and the sum does not depend on the order messages arrive in. (Source blocks without any
 * interactions hold only zero rows, so leaving them out does not change the sum.)
 *
 * <p>Stages: the out-blocks, the source factors, the in-blocks and the previous destination
 * factors are all partitioned by a {@link HashPartitioner} with partition {@code b} holding block
 * {@code b}, so the join and the cogroup are narrow and only the messages are shuffled: a
 * half-step is one shuffle, and its solve pipelines with the next half-step's shipping in one stage.
 *
 * <p>Bytes shuffled per half-step: {@code 4 k} per shipped row plus a small header per message;
 * shipped rows are the distinct (destination block, source row) pairs, at most
 * {@code min(nnz, numSrc * dstBlocks)}; implicit adds {@code 4 k^2} per (source block,
 * destination block) pair. Gram cost: {@code numSrc k^2 / 2} multiply-adds per half-step, spread
 * over the source blocks, plus {@code srcBlocks k^2} adds per destination block.
 */
final class HalfStep {

  private HalfStep() {}

  /**
   * The per-row objective: implicit (Hu et al., confidence {@code 1 + alpha r}, shared Gram
   * matrix) or explicit least squares (ALS-WR), and how to solve it.
   */
  record Objective(boolean implicit, float alpha, float lambda, boolean weightedLambda, AlsSolver solver, int cgSteps)
      implements Serializable {
    NormalEquations equations(FactorMatrix gathered, float[] gram, InBlock in) {
      return implicit
          ? NormalEquations.confidenceWeighted(gathered, gram, in.rowPtr, in.cols, in.values, alpha, lambda,
              weightedLambda)
          : NormalEquations.leastSquares(gathered, in.rowPtr, in.cols, in.values, 0f, lambda, weightedLambda);
    }
  }

  /**
   * The source side's messages, already routed: for each destination block (partition), the rows
   * it needs from every source block (and, for the implicit objective, their partial Gram
   * matrices). Lazy; its shuffle runs as part of the job that first needs it, or ahead of it
   * through {@link #materialize}. {@code srcOut} and {@code srcFactors} must be partitioned by
   * {@code srcPart} (checked: anything else would add a shuffle per input).
   */
  static JavaPairRDD<Integer, Tuple2<Integer, float[]>> ship(JavaPairRDD<Integer, OutBlock> srcOut,
      JavaPairRDD<Integer, float[]> srcFactors, Objective objective, int k, HashPartitioner srcPart,
      HashPartitioner dstPart, String side) {
    requirePartitioned(srcOut, srcPart, side + " half-step out-blocks");
    requirePartitioned(srcFactors, srcPart, side + " half-step source factors");
    boolean withGram = objective.implicit();
    return srcOut.join(srcFactors, srcPart)
        .flatMapToPair(t -> ship(t._1(), t._2()._1(), t._2()._2(), k, withGram).iterator())
        .partitionBy(dstPart);
  }

  /**
   * The new factors of the destination side from routed {@code messages}, partitioned by
   * {@code dstPart} like {@code dstIn} and {@code dstPrev} (checked), so this step adds no shuffle.
   */
  static JavaPairRDD<Integer, float[]> solve(JavaPairRDD<Integer, InBlock> dstIn,
      JavaPairRDD<Integer, Tuple2<Integer, float[]>> messages, JavaPairRDD<Integer, float[]> dstPrev,
      Objective objective, int k, HashPartitioner dstPart, String side) {
    requirePartitioned(dstIn, dstPart, side + " half-step in-blocks");
    requirePartitioned(messages, dstPart, side + " half-step messages");
    requirePartitioned(dstPrev, dstPart, side + " half-step previous factors");
    return dstIn.cogroup(messages, dstPrev, dstPart)
        .filter(t -> t._2()._1().iterator().hasNext())
        .mapValues(t -> solve(t._1().iterator().next(), t._2(), single(t._3()), objective, k, side));
  }

  /**
   * Runs the shuffle that routes {@code messages} now, as one job whose last stage is that
   * shuffle's map stage (so the tasks that compute its inputs also write it), and keeps its map
   * output for the job that reads it. Uses {@code SparkContext.submitMapStage}, Spark's own hook for
   * adaptive execution ({@code private[spark]} in Scala, public in bytecode).
   */
  static void materialize(JavaPairRDD<Integer, Tuple2<Integer, float[]>> messages) {
    ShuffleDependency<?, ?, ?> dep = (ShuffleDependency<?, ?, ?>) messages.rdd().dependencies().head();
    try {
      messages.context().submitMapStage(dep).get();
    } catch (SparkException e) {
      throw new IllegalStateException("the Spark job of an ALS iteration failed: " + e.getMessage(), e);
    }
  }

  private static void requirePartitioned(JavaPairRDD<Integer, ?> rdd, HashPartitioner p, String what) {
    if (!rdd.partitioner().isPresent() || !rdd.partitioner().get().equals(p)) {
      throw new IllegalStateException(what + " must be partitioned by " + p.numPartitions() + " hash partitions, got "
          + (rdd.partitioner().isPresent() ? rdd.partitioner().get() : "no partitioner"));
    }
  }

  /**
   * Source block {@code b}'s messages: for each destination block, its listed rows packed,
   * followed by the block's partial Gram matrix ({@code k^2} floats) when {@code withGram}; with
   * {@code withGram} every destination block gets a message, even one with no rows.
   */
  static List<Tuple2<Integer, Tuple2<Integer, float[]>>> ship(int b, OutBlock out, float[] factors, int k,
      boolean withGram) {
    float[] gram = withGram ? FactorBlocks.partialGram(factors, k) : null;
    int extra = withGram ? k * k : 0;
    List<Tuple2<Integer, Tuple2<Integer, float[]>>> msgs = new ArrayList<>(out.locals.length);
    for (int a = 0; a < out.locals.length; a++) {
      int[] rows = out.locals[a];
      if (rows.length == 0 && !withGram) {
        continue;
      }
      float[] packed = new float[rows.length * k + extra];
      for (int j = 0; j < rows.length; j++) {
        System.arraycopy(factors, rows[j] * k, packed, j * k, k);
      }
      if (withGram) {
        System.arraycopy(gram, 0, packed, rows.length * k, extra);
      }
      msgs.add(new Tuple2<>(a, new Tuple2<>(b, packed)));
    }
    return msgs;
  }

  private static float[] single(Iterable<float[]> it) {
    var i = it.iterator();
    if (!i.hasNext()) {
      throw new IllegalStateException("a destination block has interactions but no previous factors");
    }
    return i.next();
  }

  /**
   * Solves every row of one destination block; returns its new factors ({@code numRows * k}). For
   * the implicit objective the Gram matrix is the sum of the messages' partials in source-block order.
   */
  static float[] solve(InBlock in, Iterable<Tuple2<Integer, float[]>> messages, float[] previous, Objective objective,
      int k, String side) {
    FactorMatrix gathered = FactorBlocks.matrix(in.gathered(), k);
    float[] g = gathered.pageArray(0);
    int extra = objective.implicit() ? k * k : 0;
    float[][] partials = new float[in.numSrcBlocks()][];
    int received = 0;
    for (Tuple2<Integer, float[]> m : messages) {
      int b = m._1();
      int from = in.srcBlockPtr[b];
      int rows = in.srcBlockPtr[b + 1] - from;
      float[] msg = m._2();
      if (msg.length != rows * k + extra || partials[b] != null) {
        throw new IllegalStateException("message from source block " + b + " holds " + msg.length + " floats, the "
            + "in-block expects one message of " + rows + " rows x " + k + (extra > 0 ? " + a Gram matrix" : ""));
      }
      System.arraycopy(msg, 0, g, from * k, rows * k);
      partials[b] = msg;
      received += rows;
    }
    if (received != in.gathered()) {
      throw new IllegalStateException("received " + received + " factor rows, the in-block needs " + in.gathered());
    }
    float[] gram = null;
    if (extra > 0) {
      gram = new float[extra];
      for (int b = 0; b < partials.length; b++) {
        float[] msg = partials[b];
        if (msg != null) {
          for (int c = 0, at = msg.length - extra; c < extra; c++, at++) {
            gram[c] += msg[at];
          }
        }
      }
    }
    // wrap copies: the cached previous block (the warm start) is never written.
    FactorMatrix solved = FactorBlocks.wrap(previous, in.numRows, k);
    NormalEquations eq = objective.equations(gathered, gram, in);
    NormalEquations.Solver solver = objective.solver() == AlsSolver.CG
        ? new ConjugateGradientSolver(k, objective.cgSteps()) : new CholeskySolver(k);
    for (int r = 0; r < in.numRows; r++) {
      if (in.rowPtr[r + 1] == in.rowPtr[r]) {
        continue;
      }
      try {
        solver.solve(eq, r, solved.page(r), solved.offset(r));
      } catch (IllegalArgumentException e) {
        throw new ModelFitException("the normal equations of a " + side + " (local row " + r + ", "
            + (in.rowPtr[r + 1] - in.rowPtr[r]) + " interactions) are singular; raise regularization ("
            + e.getMessage() + ")");
      }
    }
    return solved.pageArray(0);
  }
}
