package dev.kindred.core;

/** The recommender for a model of any kind: one place that maps model kinds to implementations. */
public final class Recommenders {

  private Recommenders() {}

  public static Recommender of(Model model) {
    return switch (model) {
      case LatentFactorModel m -> new FactorRecommender(m);
      case PopularityModel m -> new PopularityRecommender(m);
      case ItemItemModel m -> new ItemItemRecommender(m);
      case GraphFilterModel m -> new GraphFilterRecommender(m);
      default -> throw new IllegalArgumentException("no recommender for model kind '" + model.kind() + "'");
    };
  }
}
