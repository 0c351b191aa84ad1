package dev.kindred.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindred.core.Interactions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Helpers shared by the tests: small files, the shared data sets, and pair listings by external id. */
final class TestFiles {

  private TestFiles() {}

  static Path write(Path dir, String name, String content) throws IOException {
    return write(dir, name, content.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  static Path writeGzip(Path dir, String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write(content);
    }
    return p;
  }

  /**
   * {@code ../shared/datasets/<relative>}, found by walking up from the working directory; the
   * test is skipped (not failed) when the data set is not there, e.g. on CI without it.
   */
  static Path dataset(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "shared data set '" + relative + "' not found in any ../shared/datasets above "
        + Path.of("").toAbsolutePath() + "; skipping");
    return null;
  }

  /** Every pair as {@code user item value [ts]} by external id, in CSR order; for comparing data across indices. */
  static List<String> rows(Interactions d) {
    List<String> out = new ArrayList<>();
    int[] ptr = d.userPtr();
    for (int u = 0; u < d.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        String row = d.userIndex().externalId(u) + " " + d.itemIndex().externalId(d.itemIdx()[j]) + " " + d.values()[j];
        out.add(d.hasTimestamps() ? row + " " + d.timestamps()[j] : row);
      }
    }
    return out;
  }

  /** Same indices, pairs, values and timestamps. */
  static boolean identical(Interactions a, Interactions b) {
    return a.userIndex().equals(b.userIndex()) && a.itemIndex().equals(b.itemIndex()) && a.numUsers() == b.numUsers()
        && a.numItems() == b.numItems() && Arrays.equals(a.userPtr(), b.userPtr())
        && Arrays.equals(a.itemIdx(), b.itemIdx()) && Arrays.equals(a.values(), b.values())
        && Arrays.equals(a.timestamps(), b.timestamps());
  }
}
