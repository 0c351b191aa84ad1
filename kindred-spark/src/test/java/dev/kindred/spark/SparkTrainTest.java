package dev.kindred.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-train command end to end on local[2]: file in, model file out; usage errors exit 2. */
class SparkTrainTest {

  private static final String[] LOCAL = {"--master", "local[2]", "--conf", "spark.driver.host=127.0.0.1",
      "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.ui.enabled=false"};

  @Test
  void trainsImplicitAlsFromATsvAndWritesTheModelFile(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data.tsv");
    new SyntheticGenerator(SyntheticConfig.of(200, 120, 4_000, 3L).withImplicit(true)).generate(data);
    Path model = dir.resolve("m.model");
    String[] args = concat(LOCAL, "--data", data.toString(), "--format", "tsv", "--model", "ials", "--factors", "8",
        "--iterations", "3", "--blocks", "3", "--model-file", model.toString(), "--json");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true));
    int status;
    try {
      status = SparkTrain.run(args);
    } finally {
      System.setOut(old);
    }
    assertEquals(0, status, buf.toString());
    String json = buf.toString().trim();
    assertTrue(json.startsWith("{\"model\":\"ials\"") && json.contains("\"user_blocks\":3"), json);
    LatentFactorModel m = assertInstanceOf(LatentFactorModel.class, ModelFile.read(model));
    assertEquals(8, m.userFactors().dim());
    assertEquals("spark", m.provenance().config().get("trainedOn"));
    assertEquals("3", m.provenance().config().get("spark.userBlocks"));
    assertTrue(m.userIndex().size() > 150, "users " + m.userIndex().size());
  }

  @Test
  void refusesAFlagOfAnotherModel(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("d.tsv");
    Files.writeString(data, "1\t2\t1\n");
    int status = SparkTrain.run(concat(LOCAL, "--data", data.toString(), "--model", "als", "--alpha", "3",
        "--model-file", dir.resolve("x").toString()));
    assertEquals(2, status);
    assertTrue(Files.notExists(dir.resolve("x")));
  }

  /**
   * An input whose every row is invalid (here: values that are not numbers) is refused naming the
   * file, and no model file is written, as in train.
   */
  @Test
  void refusesAnInputWithoutValidInteractions(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("invalid.tsv");
    Files.writeString(data, "u1\ti1\tabc\t0\nu2\ti2\tdef\t0\n");
    Path model = dir.resolve("m.model");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true));
    int status;
    try {
      status = SparkTrain.run(concat(LOCAL, "--data", data.toString(), "--format", "tsv", "--model", "ials",
          "--model-file", model.toString()));
    } finally {
      System.setErr(old);
    }
    assertEquals(2, status, err.toString());
    assertTrue(err.toString().contains(data + ": no valid interactions in the data"), err.toString());
    assertTrue(Files.notExists(model));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
