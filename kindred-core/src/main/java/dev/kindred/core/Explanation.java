package dev.kindred.core;

import java.util.List;
import java.util.Objects;

/**
 * Why an item got its score for a user: the items of the user's history that contributed most,
 * with their contribution and share of the score, and the remainder the listed items do not
 * account for. Built by {@link Explainer}.
 *
 * <p>{@code score == sum of the listed contributions + remainder} always. When {@link #method()} is
 * {@link Method#EXACT} the score is a sum over the history (plus terms that do not depend on it),
 * so listing the whole history leaves in the remainder only those other terms (a bias, the user's own
 * embedding), and for item-kNN, EASE and the graph filter nothing at all.
 *
 * @param item the explained item (dense index of the model)
 * @param score the score being explained
 * @param contributors the history items that contributed most, largest contribution first
 * @param remainder {@code score} minus the listed contributions
 * @param method how the contributions were computed
 */
public record Explanation(int item, float score, List<Contribution> contributors, float remainder, Method method) {

  public Explanation {
    Objects.requireNonNull(method, "method");
    contributors = List.copyOf(contributors);
  }

  /**
   * One history item's part in a score.
   *
   * @param item the history item (dense index)
   * @param contribution its additive part of the score ({@link Method#SIMILARITY}: its share times the score)
   * @param share {@code contribution / score} ({@link Method#SIMILARITY}: its normalised similarity)
   */
  public record Contribution(int item, float contribution, float share) {}

  /** How contributions are computed, by model. */
  public enum Method {
    /**
     * Exact: the score is linear in the history and each contribution is its term. Item-kNN and
     * EASE ({@code w_uj S[j][i]}), the graph filter (linear plus ideal low-pass term of item
     * {@code j}'s row), iALS / ALS through the user's ridge solve, LightGCN through one propagation.
     */
    EXACT,
    /**
     * An approximation for models whose user vector is not a function of the history that can be
     * split (MF-SGD, BPR): history items weighted by the cosine of their factors with the explained
     * item's, negative cosines counted as 0, normalised to shares of the score.
     */
    SIMILARITY,
    /** The score does not depend on the user's history (popularity): no contributors. */
    NONE
  }
}
