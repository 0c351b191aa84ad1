package dev.kindred.spark.sgd;

import java.io.Serializable;

/**
 * What every distributed SGD engine needs to know about the model being fitted.
 *
 * @param objective the per-rating step
 * @param factors latent dimension {@code k}
 * @param epochs passes over the data
 * @param learningRate initial step
 * @param learningRateDecay step factor per epoch
 * @param initStd standard deviation of the Gaussian initialisation
 * @param seed model seed (initialisation, sampling)
 * @param numUsers user rows
 * @param numItems item rows
 * @param zeroUnratedItems zero the rows of items without training pairs in the returned factors
 *     (MF never updates them; BPR does, through negatives)
 */
record SgdProblem(SgdObjective objective, int factors, int epochs, float learningRate, float learningRateDecay,
    float initStd, long seed, int numUsers, int numItems, boolean zeroUnratedItems) implements Serializable {

  float learningRateAt(int epoch) {
    return (float) (learningRate * Math.pow(learningRateDecay, epoch));
  }
}
