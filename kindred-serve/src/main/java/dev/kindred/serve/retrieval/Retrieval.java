package dev.kindred.serve.retrieval;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.Recommender;
import dev.kindred.core.Recommenders;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recommender a server uses for one model, chosen once at start-up from a
 * {@link RetrievalConfig}: exact scoring, or an HNSW graph for a latent-factor model. In ANN mode the
 * graph is built here and its recall@K against exact retrieval is measured on a seeded user sample,
 * logged (a warning below the configured floor) and kept for /readyz and metrics. Immutable and
 * thread-safe once built; build a new one for a new model.
 */
public final class Retrieval {

  private static final Logger LOG = LoggerFactory.getLogger(Retrieval.class);

  /**
   * Most requests in one exact pass: 16 users make a block of four 4-user micro-kernel rows, and a
   * pass over the items then costs far less per user than 16 single passes, while the last request
   * in a batch waits for at most 16 users' selection work.
   */
  static final int COMBINED_BATCH = 16;

  private final Recommender recommender;
  private final boolean ann;
  private final RetrievalConfig config;
  private final RecallProbe.Report recall; // null unless ANN with a probe
  private final double buildSeconds;

  private Retrieval(Recommender recommender, boolean ann, RetrievalConfig config, RecallProbe.Report recall,
      double buildSeconds) {
    this.recommender = recommender;
    this.ann = ann;
    this.config = config;
    this.recall = recall;
    this.buildSeconds = buildSeconds;
  }

  /** Exact retrieval for any model. */
  public static Retrieval exact(Model model) {
    return new Retrieval(exactRecommender(model), false, RetrievalConfig.DEFAULTS, null, 0);
  }

  /**
   * Exact retrieval: for a latent-factor model, concurrent requests are combined into blocked
   * passes over the items ({@link CombiningRecommender}), one pass at a time per core.
   */
  static Recommender exactRecommender(Model model) {
    if (model instanceof LatentFactorModel m) {
      return new CombiningRecommender(new FactorRecommender(m), Runtime.getRuntime().availableProcessors(),
          COMBINED_BATCH);
    }
    return Recommenders.of(model);
  }

  /**
   * Builds the retrieval {@code config} asks for over {@code model}; {@code seen} (may be null) is
   * what the recall probe excludes, as requests would.
   *
   * @throws IllegalArgumentException if ANN is asked for a model that is not latent-factor
   */
  public static Retrieval build(Model model, Interactions seen, RetrievalConfig config) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(config, "config");
    boolean latent = model instanceof LatentFactorModel;
    boolean useAnn = switch (config.mode()) {
      case EXACT -> false;
      case ANN -> {
        if (!latent) {
          throw new IllegalArgumentException("ANN retrieval needs a latent-factor model, got kind '" + model.kind()
              + "' (use --retrieval exact or auto)");
        }
        yield true;
      }
      case AUTO -> latent && model.numItems() > config.autoThreshold();
    };
    if (!useAnn) {
      LOG.info("retrieval: exact over {} items (mode {})", model.numItems(), config.mode().name().toLowerCase(Locale.ROOT));
      return new Retrieval(exactRecommender(model), false, config, null, 0);
    }
    LatentFactorModel m = (LatentFactorModel) model;
    FactorRecommender exact = new FactorRecommender(m);
    long t0 = System.nanoTime();
    HnswItemIndex index = HnswItemIndex.build(m.itemFactors(), m.itemBiases(), config.annSpace(),
        config.annHeadFraction(), config.annM(), config.annEfConstruction(), config.seed());
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info("retrieval: HNSW graph over {} items (dim {}{}, {}, {} head items, M={}, efConstruction={}) built in {} s, "
        + "{} MB", m.numItems(), m.dim(), m.itemBiases() == null ? "" : " + bias", spaceName(config.annSpace()),
        index.headSize(), config.annM(), config.annEfConstruction(), String.format("%.2f", seconds),
        index.graphBytes() >> 20);
    AnnRecommender ann = new AnnRecommender(exact, index, config.annEfSearch());
    RecallProbe.Report report = null;
    if (config.recallUsers() > 0 && m.numUsers() > 0) {
      report = RecallProbe.measure(exact, ann, m.numUsers(), seen, config.recallUsers(), config.recallK(),
          config.seed(), Runtime.getRuntime().availableProcessors());
      String msg = String.format("retrieval: ANN recall@%d = %.4f vs exact on %d sampled users (efSearch=%d)",
          report.k(), report.recall(), report.users(), config.annEfSearch());
      if (report.recall() < config.recallFloor()) {
        LOG.warn("{} is BELOW the floor {}: raise --ann-ef-search (or --ann-m / --ann-ef-construction), or serve "
            + "with --retrieval exact", msg, config.recallFloor());
      } else {
        LOG.info(msg);
      }
    }
    return new Retrieval(ann, true, config, report, seconds);
  }

  private static String spaceName(AnnSpace space) {
    return space.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public Recommender recommender() {
    return recommender;
  }

  /**
   * The exact retrieval of a latent-factor model behind {@link #recommender} (the same instance,
   * so its packed items and fold-in Gram matrix are shared), or null for other models.
   */
  public FactorRecommender exactFactors() {
    return switch (recommender) {
      case CombiningRecommender c -> c.exact();
      case AnnRecommender a -> a.exact();
      default -> null;
    };
  }

  /** Exact requests answered through combined passes so far (0 for ANN and non-latent models). */
  public long combinedRequests() {
    return recommender instanceof CombiningRecommender c ? c.requests() : 0;
  }

  /** Combined exact passes over the items so far. */
  public long combinedPasses() {
    return recommender instanceof CombiningRecommender c ? c.batches() : 0;
  }

  /** Whether lists come from the HNSW graph (candidate lists still go exact). */
  public boolean isAnn() {
    return ann;
  }

  /**
   * The retrieval that answers a list request: {@code "ann"} or {@code "exact"} (a candidate list
   * is always scored exactly).
   */
  public String servedBy(boolean candidateList) {
    return ann && !candidateList ? "ann" : "exact";
  }

  /** Measured recall@K of ANN against exact at start-up; empty in exact mode or without a probe. */
  public OptionalDouble recall() {
    return recall == null ? OptionalDouble.empty() : OptionalDouble.of(recall.recall());
  }

  /** The start-up recall measurement, or null. */
  public RecallProbe.Report recallReport() {
    return recall;
  }

  /** Whether a measured recall fell below the configured floor. */
  public boolean recallBelowFloor() {
    return recall != null && recall.recall() < config.recallFloor();
  }

  /** Facts for /readyz: mode and, in ANN mode, graph settings and the measured recall. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", ann ? "ann" : "exact");
    if (ann) {
      m.put("ann_space", spaceName(config.annSpace()));
      if (config.annSpace() == AnnSpace.UNIT_SPHERE) m.put("ann_head_fraction", config.annHeadFraction());
      m.put("ann_m", config.annM());
      m.put("ann_ef_construction", config.annEfConstruction());
      m.put("ann_ef_search", config.annEfSearch());
      m.put("build_seconds", Math.round(buildSeconds * 1000) / 1000.0);
      if (recall != null) {
        m.put("recall_k", recall.k());
        m.put("recall_users", recall.users());
        m.put("recall", recall.recall());
        m.put("recall_floor", config.recallFloor());
        m.put("recall_below_floor", recallBelowFloor());
      }
    }
    return m;
  }
}
