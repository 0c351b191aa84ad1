package dev.kindred.train.hybrid;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters of the hybrid factorisation model ({@link HybridTrainer}). The defaults are
 * LightFM 1.17's ({@code LightFM()} with {@code no_components=64} and 15 epochs), so that the two
 * compare at equal settings.
 *
 * @param factors embedding dimension {@code d} (LightFM's {@code no_components})
 * @param epochs passes over the training pairs (k-OS WARP: over the users)
 * @param learningRate step size of the learning schedule
 * @param loss the ranking loss
 * @param schedule per-parameter step rule
 * @param maxSampled WARP: negatives drawn per positive before giving up
 * @param kosK k-OS WARP: the positive used is the k-th highest scored of those drawn
 * @param kosN k-OS WARP: positives drawn per user
 * @param userAlpha L2 penalty on user feature embeddings (decay of the touched rows)
 * @param itemAlpha L2 penalty on item feature embeddings
 * @param identity each entity has its own indicator feature besides its side features
 *     (LightFM's {@code Dataset} default); without it an entity of a side that has side features
 *     is those features only (pure content: the usual choice for cold start), and a side without
 *     side features keeps its indicators
 * @param threads Hogwild worker threads; only {@code threads == 1} is bit-for-bit reproducible
 * @param seed initialisation and sampling seed
 */
public record HybridConfig(int factors, int epochs, float learningRate, Loss loss, Schedule schedule, int maxSampled,
    int kosK, int kosN, float userAlpha, float itemAlpha, boolean identity, int threads, long seed)
    implements java.io.Serializable {

  /** The loss of a (user, item) pair against sampled items. */
  public enum Loss {
    /** Weighted approximate-rank pairwise (Weston, Bengio, Usunier 2011). */
    WARP,
    /** k-order statistic WARP (Weston, Yee, Weiss 2013, doi:10.1145/2507157.2507210). */
    KOS_WARP,
    /** Bayesian personalised ranking with one uniform negative. */
    BPR,
    /** Pointwise logistic loss on the positive and one uniform negative. */
    LOGISTIC
  }

  /** The per-parameter step rule. */
  public enum Schedule {
    /** AdaGrad, LightFM's default. */
    ADAGRAD,
    /** Adam without bias correction (lazy: only touched rows move). */
    ADAM
  }

  public static final HybridConfig DEFAULTS = new HybridConfig(64, 15, 0.05f, Loss.WARP, Schedule.ADAGRAD, 10, 5, 10,
      0f, 0f, true, 2, 42L);

  public HybridConfig {
    require(factors > 0, "factors must be > 0, got " + factors);
    require(epochs > 0, "epochs must be > 0, got " + epochs);
    require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be > 0 and finite, got " + learningRate);
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(schedule, "schedule");
    require(maxSampled > 0, "maxSampled must be > 0, got " + maxSampled);
    require(kosK > 0, "kosK must be > 0, got " + kosK);
    require(kosN >= kosK, "kosN must be >= kosK = " + kosK + ", got " + kosN);
    require(userAlpha >= 0 && Float.isFinite(userAlpha), "userAlpha must be >= 0 and finite, got " + userAlpha);
    require(itemAlpha >= 0 && Float.isFinite(itemAlpha), "itemAlpha must be >= 0 and finite, got " + itemAlpha);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public HybridConfig withFactors(int v) {
    return new HybridConfig(v, epochs, learningRate, loss, schedule, maxSampled, kosK, kosN, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withEpochs(int v) {
    return new HybridConfig(factors, v, learningRate, loss, schedule, maxSampled, kosK, kosN, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withLearningRate(float v) {
    return new HybridConfig(factors, epochs, v, loss, schedule, maxSampled, kosK, kosN, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withLoss(Loss v) {
    return new HybridConfig(factors, epochs, learningRate, v, schedule, maxSampled, kosK, kosN, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withSchedule(Schedule v) {
    return new HybridConfig(factors, epochs, learningRate, loss, v, maxSampled, kosK, kosN, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withMaxSampled(int v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, v, kosK, kosN, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withKosK(int v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, maxSampled, v, kosN, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withKosN(int v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, maxSampled, kosK, v, userAlpha, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withUserAlpha(float v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, maxSampled, kosK, kosN, v, itemAlpha, identity, threads, seed);
  }

  public HybridConfig withItemAlpha(float v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, maxSampled, kosK, kosN, userAlpha, v, identity, threads, seed);
  }

  public HybridConfig withIdentity(boolean v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, maxSampled, kosK, kosN, userAlpha, itemAlpha, v, threads, seed);
  }

  public HybridConfig withThreads(int v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, maxSampled, kosK, kosN, userAlpha, itemAlpha, identity, v, seed);
  }

  public HybridConfig withSeed(long v) {
    return new HybridConfig(factors, epochs, learningRate, loss, schedule, maxSampled, kosK, kosN, userAlpha, itemAlpha, identity, threads, v);
  }

  /** Every hyperparameter as strings, for provenance (seed and threads are provenance fields). */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("factors", Integer.toString(factors));
    m.put("epochs", Integer.toString(epochs));
    m.put("learningRate", Float.toString(learningRate));
    m.put("loss", loss.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    m.put("schedule", schedule.name().toLowerCase(Locale.ROOT));
    m.put("maxSampled", Integer.toString(maxSampled));
    m.put("kosK", Integer.toString(kosK));
    m.put("kosN", Integer.toString(kosN));
    m.put("userAlpha", Float.toString(userAlpha));
    m.put("itemAlpha", Float.toString(itemAlpha));
    m.put("identity", Boolean.toString(identity));
    return m;
  }
}
