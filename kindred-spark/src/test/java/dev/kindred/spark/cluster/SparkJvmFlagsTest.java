package dev.kindred.spark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.spark.testkit.LocalStandaloneCluster;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * The one list of Spark's JVM flags ({@code spark-jvm-flags.properties}) as the Java launcher reads
 * it, against Spark's own list and against the flags this test JVM got from the pom.
 */
class SparkJvmFlagsTest {

  @Test
  void everyModuleOpeningIsOneSparkAsksFor() {
    List<String> spark = List.of(JavaModuleOptions.defaultModuleOptionArray());
    List<String> opens = LocalStandaloneCluster.SPARK_JVM_FLAGS.stream().filter(f -> f.startsWith("--add-opens="))
        .toList();
    assertThat(opens).hasSize(13);
    assertThat(spark).containsAll(opens);
  }

  @Test
  void thePomPassedTheSameFlagsToThisJvm() {
    assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
        .containsAll(LocalStandaloneCluster.SPARK_JVM_FLAGS);
  }
}
