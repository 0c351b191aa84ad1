package dev.kindred.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindred.core.ModelFile;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spark-train applies train's input checks: the k-core, --implicit and the model's warning on its data. */
class SparkTrainInputsTest {

  private static final String[] LOCAL = {"--master", "local[2]", "--conf", "spark.driver.host=127.0.0.1",
      "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.ui.enabled=false", "--json"};

  private static String[] withLocal(String... args) {
    String[] all = java.util.Arrays.copyOf(LOCAL, LOCAL.length + args.length);
    System.arraycopy(args, 0, all, LOCAL.length, args.length);
    return all;
  }

  private static String run(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true));
    try {
      assertEquals(0, SparkTrain.run(withLocal(args)), buf.toString());
    } finally {
      System.setOut(old);
    }
    return buf.toString().trim();
  }

  @Test
  void ratingsForIalsWarnAndTheKCoreDropsRareUsersAndItems(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("ratings.tsv");
    new SyntheticGenerator(SyntheticConfig.of(300, 200, 4_000, 3L)).generate(data);
    Path model = dir.resolve("m.model");
    String json = run("--data", data.toString(), "--model", "ials", "--factors", "4", "--iterations", "1",
        "--min-user-interactions", "10", "--min-item-interactions", "10", "--model-file", model.toString());
    assertTrue(json.contains("\"warning\":\"ials reads the values as confidences"), json);
    assertTrue(json.contains("\"interactions_read\":4000"), json);
    assertTrue(ModelFile.read(model).userIndex().size() < 300, json);

    String quiet = run("--data", data.toString(), "--model", "ials", "--factors", "4", "--iterations", "1",
        "--implicit", "--model-file", model.toString());
    assertTrue(!quiet.contains("\"warning\"") && !quiet.contains("interactions_read"), quiet);
  }

  @Test
  void negativeThresholdsAreRefusedBeforeSparkStarts(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("d.tsv");
    Files.writeString(data, "1\t2\t1\n");
    int status = SparkTrain.run(withLocal("--data", data.toString(), "--min-user-interactions",
        "-1", "--model-file", dir.resolve("x").toString()));
    assertEquals(2, status);
    assertTrue(Files.notExists(dir.resolve("x")));
  }
}
