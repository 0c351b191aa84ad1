package dev.kindred.cli;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.SideFeatures;
import dev.kindred.data.features.EncodedFeatures;
import dev.kindred.data.features.FeatureFormat;
import dev.kindred.data.features.FeatureReader;
import dev.kindred.data.features.FeatureSpace;
import dev.kindred.data.features.FeatureSpaceConfig;
import dev.kindred.data.features.FeatureTable;
import dev.kindred.math.CsrMatrix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Side-feature files of {@code train} and {@code evaluate}: read, encoded on the interactions' id
 * indices, and passed to a model that takes them ({@code hybrid}). A format is matched to a file
 * by the side it describes; without {@code --features-format} it is inferred from the file name.
 */
final class FeatureOptions {

  @Option(names = "--item-features", paramLabel = "FILE", description = "Item side features (genres, tags, ...).")
  Path itemFeatures;

  @Option(names = "--user-features", paramLabel = "FILE", description = "User side features (demographics, ...).")
  Path userFeatures;

  @Option(names = "--features-format", paramLabel = "NAME", split = ",",
      description = "Feature file layouts, one per side (comma-separated or repeated): ml-100k-item, ml-100k-user, "
          + "ml-dat-movies, ml-dat-users, ml-csv-movies, ml-csv-tags, lastfm-tags, generic. "
          + "Default: from the file names (u.item, u.user, movies.dat, ...), else generic.")
  List<String> formats = new ArrayList<>();

  private FeatureTable items;
  private FeatureTable users;

  /**
   * {@code data} on id indices that also hold every id of the feature files it lacks (appended
   * after its own, with no interactions): such new items and users are scored from their features
   * by a model trained on the result. {@code data} itself when no feature file is given.
   */
  Interactions withFeatureOnlyIds(Interactions data) throws IOException {
    read();
    if (items == null && users == null) return data;
    IdIndex u = users == null ? data.userIndex() : extend(data.userIndex(), users);
    IdIndex i = items == null ? data.itemIndex() : extend(data.itemIndex(), items);
    return u == data.userIndex() && i == data.itemIndex() ? data : data.onto(u, i);
  }

  private static IdIndex extend(IdIndex base, FeatureTable table) {
    IdIndex.Builder b = null;
    for (String id : table.rows().keySet()) {
      if (base.indexOf(id) >= 0) continue;
      if (b == null) b = new IdIndex.Builder(base);
      b.add(id);
    }
    return b == null ? base : b.build();
  }

  private void read() throws IOException {
    if (itemFeatures != null && items == null) items = FeatureReader.read(itemFeatures, format(itemFeatures, true));
    if (userFeatures != null && users == null) users = FeatureReader.read(userFeatures, format(userFeatures, false));
  }

  boolean given() {
    return itemFeatures != null || userFeatures != null;
  }

  /** The encoded features for {@code data}'s users and items, with one summary line per file on {@code err}. */
  SideFeatures load(Interactions data, PrintWriter err, boolean quiet) throws IOException {
    if (!given()) {
      if (!formats.isEmpty()) throw new IllegalArgumentException("--features-format needs --item-features or --user-features");
      return SideFeatures.NONE;
    }
    read();
    CsrMatrix i = items == null ? null : encode(items, data.itemIndex(), err, quiet);
    CsrMatrix u = users == null ? null : encode(users, data.userIndex(), err, quiet);
    return new SideFeatures(u, i);
  }

  private static CsrMatrix encode(FeatureTable table, IdIndex index, PrintWriter err, boolean quiet) {
    EncodedFeatures enc = FeatureSpace.fitAndEncode(table, index, FeatureSpaceConfig.DEFAULTS);
    if (!quiet) {
      err.println("features: " + enc.summary());
      err.flush();
    }
    return enc.matrix();
  }

  /** The given format for this side, or the one the file name suggests. */
  private FeatureFormat format(Path file, boolean itemSide) {
    return FeatureFormat.forFile(file, itemSide, formats);
  }
}
