package dev.kindred.spark.als;

import dev.kindred.core.ModelFitException;
import dev.kindred.math.CholeskySolver;
import dev.kindred.math.ConjugateGradientSolver;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.NormalEquations;
import dev.kindred.train.als.AlsSolver;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * One distributed ALS half-step: every source block ships each destination block only the factor
 * rows its {@link OutBlock} lists (one message per (source, destination) pair with interactions);
 * each destination block gathers its messages into one matrix laid out as its {@link InBlock}
 * says, then solves each of its rows with kindred-math's {@link NormalEquations} and
 * {@link ConjugateGradientSolver} (warm-started from the row's previous value, as on one machine)
 * or {@link CholeskySolver}. Rows without interactions stay zero.
 *
 * <p>Bytes shuffled per half-step: {@code 4 k} per shipped row plus a small header per message;
 * shipped rows are the distinct (destination block, source row) pairs, at most
 * {@code min(nnz, numSrc * dstBlocks)}.
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

  static JavaPairRDD<Integer, float[]> run(JavaPairRDD<Integer, InBlock> dstIn, JavaPairRDD<Integer, OutBlock> srcOut,
      JavaPairRDD<Integer, float[]> srcFactors, JavaPairRDD<Integer, float[]> dstPrev, Broadcast<float[]> gram,
      Objective objective, int k, HashPartitioner dstPart, String side) {
    JavaPairRDD<Integer, Tuple2<Integer, float[]>> messages = srcOut.join(srcFactors)
        .flatMapToPair(t -> ship(t._1(), t._2()._1(), t._2()._2(), k).iterator());
    return dstIn.cogroup(messages, dstPrev, dstPart)
        .filter(t -> t._2()._1().iterator().hasNext())
        .mapValues(t -> solve(t._1().iterator().next(), t._2(), single(t._3()), gram == null ? null : gram.value(),
            objective, k, side));
  }

  /** Source block {@code b}'s messages: for each destination block, its listed rows packed. */
  static List<Tuple2<Integer, Tuple2<Integer, float[]>>> ship(int b, OutBlock out, float[] factors, int k) {
    List<Tuple2<Integer, Tuple2<Integer, float[]>>> msgs = new ArrayList<>();
    for (int a = 0; a < out.locals.length; a++) {
      int[] rows = out.locals[a];
      if (rows.length == 0) {
        continue;
      }
      float[] packed = new float[rows.length * k];
      for (int j = 0; j < rows.length; j++) {
        System.arraycopy(factors, rows[j] * k, packed, j * k, k);
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

  /** Solves every row of one destination block; returns its new factors ({@code numRows * k}). */
  static float[] solve(InBlock in, Iterable<Tuple2<Integer, float[]>> messages, float[] previous, float[] gram,
      Objective objective, int k, String side) {
    FactorMatrix gathered = FactorBlocks.matrix(in.gathered(), k);
    float[] g = gathered.pageArray(0);
    int received = 0;
    for (Tuple2<Integer, float[]> m : messages) {
      int b = m._1();
      int from = in.srcBlockPtr[b];
      int rows = in.srcBlockPtr[b + 1] - from;
      if (m._2().length != rows * k) {
        throw new IllegalStateException("message from source block " + b + " holds " + m._2().length / k
            + " rows, the in-block expects " + rows);
      }
      System.arraycopy(m._2(), 0, g, from * k, rows * k);
      received += rows;
    }
    if (received != in.gathered()) {
      throw new IllegalStateException("received " + received + " factor rows, the in-block needs " + in.gathered());
    }
    FactorMatrix solved = FactorBlocks.wrap(previous.clone(), in.numRows, k);
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
