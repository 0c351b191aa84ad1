package dev.kindred.serve;

/**
 * What {@link RecommendationService#swap} did, as answered by {@code POST /v1/admin/model}.
 *
 * @param previousVersion the version that served before
 * @param version the version serving now
 * @param model the new model's algorithm
 * @param source where the new model came from (its file)
 * @param eventsReapplied logged events applied to the new model
 * @param eventsRule which logged events were re-applied, in words
 */
public record ModelSwap(String previousVersion, String version, String model, String source, int eventsReapplied,
    String eventsRule) {}
