package dev.kindred.serve.retrieval;

import dev.kindred.math.FactorMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * An in-memory HNSW graph over item vectors for maximum-inner-product search, built with Lucene's
 * {@link HnswGraphBuilder} and searched with {@link HnswGraphSearcher} directly (no index, no
 * {@code IndexSearcher}).
 *
 * <p>Algorithm: Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", IEEE TPAMI 42(4), 2020, arXiv:1603.09320. Paper symbols
 * to ours: {@code M} = {@code m} (layer 0 keeps {@code 2M}), {@code efConstruction} =
 * {@code efConstruction}, {@code ef} = the {@code ef} of {@link #search}. The similarity is
 * {@link VectorSimilarityFunction#MAXIMUM_INNER_PRODUCT} (a monotone map of the raw dot product), so
 * the graph ranks by {@code p_u . q_i}, which is the model's ranking. Departure from a plain index of
 * the factors: when the model has item biases, each item vector is stored as {@code [q_i, b_i]} and
 * the query as {@code [p_u, 1]}, so the inner product is {@code p_u . q_i + b_i}, the model's score
 * less the user's constant (the graph is built on the same augmented vectors).
 *
 * <p>Cost: memory {@code n (dim + 1)} floats for the vector copy plus about {@code n * 2M} neighbour
 * ids and scores on layer 0 (the upper layers add about {@code 1 / (M - 1)} of that); build time
 * about {@code n log n * efConstruction} inner products of length {@code dim + 1}, on one thread
 * (deterministic for a seed); a query visits about {@code ef * 2M} nodes on layer 0. Thread-safe
 * after construction: every search keeps its own cursor, visited set and queue.
 */
public final class HnswItemIndex {

  private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;

  private final int dim;
  private final boolean withBias;
  private final FloatVectorValues vectors;
  private final FlatVectorsScorer scorer;
  private final OnHeapHnswGraph graph;

  private HnswItemIndex(int dim, boolean withBias, FloatVectorValues vectors, FlatVectorsScorer scorer,
      OnHeapHnswGraph graph) {
    this.dim = dim;
    this.withBias = withBias;
    this.vectors = vectors;
    this.scorer = scorer;
    this.graph = graph;
  }

  /**
   * Builds the graph over the rows of {@code items} (with {@code biases[i]} appended when not null).
   *
   * @throws IllegalArgumentException for an empty catalogue, mismatched biases or non-finite values
   */
  public static HnswItemIndex build(FactorMatrix items, float[] biases, int m, int efConstruction, long seed) {
    int n = items.rows();
    int k = items.dim();
    if (n == 0) throw new IllegalArgumentException("cannot index an empty item catalogue");
    if (biases != null && biases.length != n) {
      throw new IllegalArgumentException("item biases: expected " + n + " values, got " + biases.length);
    }
    boolean withBias = biases != null;
    int dim = withBias ? k + 1 : k;
    List<float[]> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] v = new float[dim];
      items.copyRow(i, v, 0);
      if (withBias) v[k] = biases[i];
      for (int d = 0; d < dim; d++) {
        if (!Float.isFinite(v[d])) {
          throw new IllegalArgumentException("item " + i + " has a non-finite factor at dimension " + d);
        }
      }
      rows.add(v);
    }
    FloatVectorValues vectors = FloatVectorValues.fromFloats(rows, dim);
    FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
    try {
      HnswGraphBuilder builder = HnswGraphBuilder.create(scorer.getRandomVectorScorerSupplier(SIMILARITY, vectors),
          m, efConstruction, seed);
      OnHeapHnswGraph graph = builder.build(n);
      return new HnswItemIndex(k, withBias, vectors, scorer, graph);
    } catch (IOException e) {
      throw new UncheckedIOException("building the HNSW graph failed", e);
    }
  }

  /** Number of indexed items. */
  public int size() {
    return vectors.size();
  }

  /** Heap bytes of the graph (the vector copy is {@code size() * (dim + 1) * 4} more). */
  public long graphBytes() {
    return graph.ramBytesUsed();
  }

  /**
   * Up to {@code ef} items with the highest approximate {@code vec . q_i (+ b_i)}, best first,
   * among those {@code accept} lets through (all when null).
   *
   * @param vec the user vector, {@code dim} floats from {@code off}
   */
  public int[] search(float[] vec, int off, int ef, Bits accept) {
    float[] query = new float[withBias ? dim + 1 : dim];
    System.arraycopy(vec, off, query, 0, dim);
    if (withBias) query[dim] = 1f;
    try {
      RandomVectorScorer s = scorer.getRandomVectorScorer(SIMILARITY, vectors, query);
      KnnCollector c = HnswGraphSearcher.search(s, ef, graph, accept, Integer.MAX_VALUE);
      ScoreDoc[] docs = c.topDocs().scoreDocs;
      int[] out = new int[docs.length];
      for (int j = 0; j < docs.length; j++) out[j] = docs[j].doc;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("HNSW search failed", e);
    }
  }
}
