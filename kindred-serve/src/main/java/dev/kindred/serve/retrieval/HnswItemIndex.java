package dev.kindred.serve.retrieval;

import dev.kindred.math.FactorMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code efConstruction}, {@code ef} = the {@code ef} of {@link #search}. When the model has item
 * biases, each item vector is {@code [q_i, b_i]} and the query {@code [p_u, 1]}, so the inner product
 * is {@code p_u . q_i + b_i}, the model's score less the user's constant. The graph either ranks by
 * that inner product directly ({@link AnnSpace#INNER_PRODUCT}, Lucene's
 * {@link VectorSimilarityFunction#MAXIMUM_INNER_PRODUCT}) or by the cosine after the reduction of
 * {@link AnnSpace#UNIT_SPHERE}, which has the same order.
 *
 * <p>Departure from the reduction as published: one long item vector would shrink every other item
 * towards the pole of the sphere (the lift divides by the largest norm), so in
 * {@link AnnSpace#UNIT_SPHERE} the longest {@code headFraction} of the items (the popular hubs) stay
 * out of the graph ({@link #headItems}, for the caller to score exactly on every query), and the
 * lift divides by the largest norm of the rest.
 *
 * <p>Cost: memory {@code n (dim + 2)} floats for the vector copy plus about {@code n * 2M} neighbour
 * ids and scores on layer 0 (the upper layers add about {@code 1 / (M - 1)} of that); build time
 * about {@code n log n * efConstruction} inner products of length {@code dim + 2}, on one thread
 * (deterministic for a seed); a query visits about {@code ef * 2M} nodes on layer 0. Thread-safe
 * after construction: every search keeps its own cursor, visited set and queue.
 */
public final class HnswItemIndex {

  private final int dim;
  private final int numItems;
  private final boolean withBias;
  private final AnnSpace space;
  private final VectorSimilarityFunction similarity;
  private final int[] graphItem; // graph ordinal -> item index
  private final int[] head; // items kept out of the graph (sorted), always returned
  private final FloatVectorValues vectors; // null when every item is in the head
  private final FlatVectorsScorer scorer;
  private final OnHeapHnswGraph graph;

  private HnswItemIndex(int dim, int numItems, boolean withBias, AnnSpace space, int[] graphItem, int[] head,
      FloatVectorValues vectors, FlatVectorsScorer scorer, OnHeapHnswGraph graph) {
    this.dim = dim;
    this.numItems = numItems;
    this.withBias = withBias;
    this.space = space;
    this.similarity = similarity(space);
    this.graphItem = graphItem;
    this.head = head;
    this.vectors = vectors;
    this.scorer = scorer;
    this.graph = graph;
  }

  /**
   * Builds the graph over the rows of {@code items} (with {@code biases[i]} appended when not null).
   *
   * @param headFraction in {@link AnnSpace#UNIT_SPHERE}, the share of the longest item vectors kept
   *     out of the graph and scored exactly, in [0, 1); ignored in {@link AnnSpace#INNER_PRODUCT}
   * @throws IllegalArgumentException for an empty catalogue, mismatched biases or non-finite values
   */
  public static HnswItemIndex build(FactorMatrix items, float[] biases, AnnSpace space, double headFraction, int m,
      int efConstruction, long seed) {
    int n = items.rows();
    int k = items.dim();
    if (n == 0) throw new IllegalArgumentException("cannot index an empty item catalogue");
    if (biases != null && biases.length != n) {
      throw new IllegalArgumentException("item biases: expected " + n + " values, got " + biases.length);
    }
    if (!(headFraction >= 0 && headFraction < 1)) {
      throw new IllegalArgumentException("head fraction must be in [0, 1), got " + headFraction);
    }
    boolean withBias = biases != null;
    int base = withBias ? k + 1 : k;
    boolean sphere = space == AnnSpace.UNIT_SPHERE;
    int dim = sphere ? base + 1 : base;
    float[][] rows = new float[n][];
    double[] norm2 = new double[n];
    for (int i = 0; i < n; i++) {
      float[] v = new float[dim];
      items.copyRow(i, v, 0);
      if (withBias) v[k] = biases[i];
      for (int d = 0; d < base; d++) {
        if (!Float.isFinite(v[d])) {
          throw new IllegalArgumentException("item " + i + " has a non-finite factor at dimension " + d);
        }
        norm2[i] += (double) v[d] * v[d];
      }
      rows[i] = v;
    }
    int headSize = sphere ? (int) Math.floor(headFraction * n) : 0;
    int[] head = longest(norm2, headSize);
    boolean[] inHead = new boolean[n];
    for (int i : head) inHead[i] = true;
    int[] graphItem = new int[n - head.length];
    List<float[]> graphRows = new ArrayList<>(graphItem.length);
    double maxNorm2 = 0;
    for (int i = 0, g = 0; i < n; i++) {
      if (inHead[i]) continue;
      graphItem[g++] = i;
      graphRows.add(rows[i]);
      maxNorm2 = Math.max(maxNorm2, norm2[i]);
    }
    if (sphere) {
      // Lift every graph item onto the sphere of radius phi, then scale to the unit sphere.
      double phi = Math.sqrt(maxNorm2);
      for (int g = 0; g < graphItem.length; g++) {
        float[] v = graphRows.get(g);
        v[base] = (float) Math.sqrt(Math.max(0, maxNorm2 - norm2[graphItem[g]]));
        if (phi > 0) for (int d = 0; d < dim; d++) v[d] = (float) (v[d] / phi);
      }
    }
    FlatVectorsScorer scorer = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();
    if (graphItem.length == 0) return new HnswItemIndex(k, n, withBias, space, graphItem, head, null, scorer, null);
    FloatVectorValues vectors = FloatVectorValues.fromFloats(graphRows, dim);
    try {
      HnswGraphBuilder builder = HnswGraphBuilder.create(
          scorer.getRandomVectorScorerSupplier(similarity(space), vectors), m, efConstruction, seed);
      OnHeapHnswGraph graph = builder.build(graphItem.length);
      return new HnswItemIndex(k, n, withBias, space, graphItem, head, vectors, scorer, graph);
    } catch (IOException e) {
      throw new UncheckedIOException("building the HNSW graph failed", e);
    }
  }

  /** The {@code count} items of largest norm, sorted by index (ties: lower index first). */
  private static int[] longest(double[] norm2, int count) {
    if (count == 0) return new int[0];
    Integer[] order = new Integer[norm2.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> norm2[a] != norm2[b] ? Double.compare(norm2[b], norm2[a]) : Integer.compare(a, b));
    int[] out = new int[count];
    for (int j = 0; j < count; j++) out[j] = order[j];
    Arrays.sort(out);
    return out;
  }

  private static VectorSimilarityFunction similarity(AnnSpace space) {
    return switch (space) {
      case INNER_PRODUCT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case UNIT_SPHERE -> VectorSimilarityFunction.DOT_PRODUCT; // on unit vectors: the cosine
    };
  }

  public AnnSpace space() {
    return space;
  }

  /** Number of items covered (graph and head). */
  public int size() {
    return numItems;
  }

  /** Number of items kept out of the graph. */
  public int headSize() {
    return head.length;
  }

  /** The items kept out of the graph, sorted; the caller scores them exactly. */
  public int[] headItems() {
    return head.clone();
  }

  /** Heap bytes of the graph (the vector copy is about {@code size() * (dim + 2) * 4} more). */
  public long graphBytes() {
    return graph == null ? 0 : graph.ramBytesUsed();
  }

  /**
   * Up to {@code ef} graph items (head items are not in the graph) with the highest approximate
   * {@code vec . q_i (+ b_i)}, best first, among those {@code accept} (over item indices) lets
   * through (all when null).
   *
   * @param vec the user vector, {@code dim} floats from {@code off}
   */
  public int[] search(float[] vec, int off, int ef, Bits accept) {
    if (graph == null) return new int[0];
    float[] query = new float[vectors.dimension()];
    System.arraycopy(vec, off, query, 0, dim);
    if (withBias) query[dim] = 1f;
    if (space == AnnSpace.UNIT_SPHERE) {
      double norm2 = 0;
      for (float x : query) norm2 += (double) x * x;
      if (norm2 > 0) {
        float inv = (float) (1 / Math.sqrt(norm2));
        for (int d = 0; d < query.length; d++) query[d] *= inv;
      }
    }
    Bits acceptOrds = accept == null ? null : new Bits() {
      @Override
      public boolean get(int ord) {
        return accept.get(graphItem[ord]);
      }

      @Override
      public int length() {
        return graphItem.length;
      }
    };
    try {
      RandomVectorScorer s = scorer.getRandomVectorScorer(similarity, vectors, query);
      KnnCollector c = HnswGraphSearcher.search(s, ef, graph, acceptOrds, Integer.MAX_VALUE);
      ScoreDoc[] docs = c.topDocs().scoreDocs;
      int[] out = new int[docs.length];
      for (int j = 0; j < docs.length; j++) out[j] = graphItem[docs[j].doc];
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("HNSW search failed", e);
    }
  }
}
