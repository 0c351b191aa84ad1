package dev.kindred.spark;

import org.apache.spark.sql.SparkSession;

/** The one way tests make a Spark session: local[2], loopback only, no UI, few shuffle partitions. */
public final class TestSpark {

  private TestSpark() {}

  /** A session for one test class; stop it in {@code @AfterAll}. */
  public static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("kindred-test")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4").getOrCreate();
  }
}
