/**
 * Distributed training on Apache Spark: the same Kindred models, trained across executors, written
 * to the same model file the single-machine trainers write. Spark is a {@code provided} dependency.
 */
package dev.kindred.spark;
