package dev.kindred.train.warm;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.math.FactorMatrix;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a factor model's training starts: from its usual seeded initialisation ({@link #NONE}) or,
 * for a warm start, from an earlier model of the same algorithm and latent dimension. A trainer
 * first initialises every row as usual (so new users and items get the model's ordinary random
 * start), then calls {@link #apply} to overwrite the rows of users and items the earlier model
 * knows, matched by external id, with its factors (and biases, where the model has them).
 *
 * <p>Users and items of the earlier model that are absent from the new training data are not
 * carried over: the new model's id indices are the training data's. Train on the cumulative data
 * (everything so far) to keep everyone.
 *
 * <p>Cost: one hash lookup per user and item of the training data and one row copy each
 * ({@code 4 k (users + items)} bytes); the earlier model is only read. Immutable and thread-safe.
 */
public final class InitialFactors {

  /** No earlier model: the trainer's own initialisation. */
  public static final InitialFactors NONE = new InitialFactors(null, "none");

  private static final Logger LOG = LoggerFactory.getLogger(InitialFactors.class);

  private final LatentFactorModel source;
  private final String sourceName;

  private InitialFactors(LatentFactorModel source, String sourceName) {
    this.source = source;
    this.sourceName = sourceName;
  }

  /**
   * A warm start from {@code model}.
   *
   * @param model the earlier model (read from a file or still in memory)
   * @param sourceName how messages name it, e.g. the model file's path
   * @throws IllegalArgumentException naming {@code sourceName} when the model has no latent factors
   */
  public static InitialFactors from(Model model, String sourceName) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(sourceName, "sourceName");
    if (!(model instanceof LatentFactorModel lf)) {
      throw new IllegalArgumentException(sourceName + ": a " + model.kind() + " model (" + model.provenance().algorithm()
          + ") has no latent factors to warm-start from");
    }
    return new InitialFactors(lf, sourceName);
  }

  /** True for {@link #NONE}. */
  public boolean isNone() {
    return source == null;
  }

  /** How messages name the earlier model ("none" for {@link #NONE}). */
  public String sourceName() {
    return sourceName;
  }

  /**
   * Overwrites the rows of known users and items in the trainer's freshly initialised parameters.
   * Does nothing for {@link #NONE}.
   *
   * @param algorithm the trainer's name; the earlier model must have been trained by the same one
   * @param train the data the trainer fits (its id indices give the rows of {@code p}, {@code q})
   * @param p user factors, one row per user of {@code train}
   * @param q item factors, one row per item of {@code train}
   * @param userBias user biases, or null when the model learns none
   * @param itemBias item biases, or null when the model learns none
   * @return how many rows were carried over
   * @throws IllegalArgumentException naming the source when its algorithm, latent dimension or
   *     biases differ from the trainer's
   */
  public Carried apply(String algorithm, Interactions train, FactorMatrix p, FactorMatrix q, float[] userBias,
      float[] itemBias) {
    if (source == null) return new Carried(0, 0);
    String was = source.provenance().algorithm();
    if (!was.equals(algorithm)) {
      throw new IllegalArgumentException(sourceName + ": was trained by " + was + ", not " + algorithm
          + "; a warm start needs a model of the same algorithm");
    }
    if (source.dim() != p.dim()) {
      throw new IllegalArgumentException(sourceName + ": has " + source.dim() + " factors, the new " + algorithm
          + " model " + p.dim() + "; pass --factors " + source.dim() + " or train from scratch");
    }
    boolean wantsBiases = userBias != null || itemBias != null;
    if (wantsBiases != source.hasBiases()) {
      throw new IllegalArgumentException(sourceName + ": " + (source.hasBiases() ? "has" : "has no")
          + " biases, the new " + algorithm + " model " + (wantsBiases ? "learns them" : "does not")
          + "; use the same bias setting (--no-biases) as the earlier model");
    }
    int users = copyRows(source.userIndex(), train.userIndex(), source, true, p, userBias);
    int items = copyRows(source.itemIndex(), train.itemIndex(), source, false, q, itemBias);
    Carried carried = new Carried(users, items);
    LOG.info("{} warm start from {}: {} of {} users and {} of {} items carried over", algorithm, sourceName, users,
        train.numUsers(), items, train.numItems());
    return carried;
  }

  private static int copyRows(IdIndex from, IdIndex to, LatentFactorModel source, boolean userSide,
      FactorMatrix target, float[] bias) {
    int carried = 0;
    for (int r = 0; r < to.size(); r++) {
      int old = from.indexOf(to.externalId(r));
      if (old < 0) continue;
      if (userSide) {
        source.userStore().copyRow(old, target.page(r), target.offset(r));
        if (bias != null) bias[r] = source.userBias(old);
      } else {
        source.itemStore().copyRow(old, target.page(r), target.offset(r));
        if (bias != null) bias[r] = source.itemBias(old);
      }
      carried++;
    }
    return carried;
  }

  /**
   * What a warm start carried over.
   *
   * @param users users of the new data the earlier model knew
   * @param items items of the new data the earlier model knew
   */
  public record Carried(int users, int items) {}
}
