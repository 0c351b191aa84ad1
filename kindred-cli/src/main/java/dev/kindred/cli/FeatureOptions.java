package dev.kindred.cli;

import dev.kindred.core.FeatureCodec;
import dev.kindred.core.FeatureTrainer;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.ModelFeatures;
import dev.kindred.core.SideFeatures;
import dev.kindred.data.features.EncodedFeatures;
import dev.kindred.data.features.FeatureFormat;
import dev.kindred.data.features.FeatureRanking;
import dev.kindred.data.features.FeatureReader;
import dev.kindred.data.features.FeatureSelection;
import dev.kindred.data.features.FeatureSpace;
import dev.kindred.data.features.FeatureSpaceConfig;
import dev.kindred.data.features.FeatureTable;
import dev.kindred.math.CsrMatrix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  @Option(names = "--select", paramLabel = "SPEC",
      description = "Feature selection before training, rules applied in order (comma-separated): min-count:C, "
          + "mi>=X (mutual information with the training histories, nats), top-features:N or top-features:P%%, "
          + "top-fields:N. `kindred features` prints the ranking.")
  String select;

  private FeatureTable items;
  private FeatureTable users;
  private FeatureCodec itemCodec;
  private FeatureCodec userCodec;

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

  /** The item file's rows as id to field to values (empty without --item-features), for scoring new items. */
  Map<String, Map<String, List<String>>> itemValues() throws IOException {
    read();
    return values(items);
  }

  /** The user file's rows as id to field to values (empty without --user-features), for scoring new users. */
  Map<String, Map<String, List<String>>> userValues() throws IOException {
    read();
    return values(users);
  }

  private static Map<String, Map<String, List<String>>> values(FeatureTable table) {
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    if (table == null) return out;
    table.rows().forEach((id, vs) -> {
      Map<String, List<String>> m = new LinkedHashMap<>();
      for (FeatureTable.Value v : vs) m.computeIfAbsent(v.field(), f -> new ArrayList<>()).add(v.value());
      out.put(id, m);
    });
    return out;
  }

  /**
   * The encoders saved beside {@code modelFile} ({@link ModelFeatures}), for a command that scores
   * new entities; null when there are none and no feature file was given.
   *
   * @throws IllegalArgumentException for --select, or feature files for a model without encoders
   */
  ModelFeatures encodersOf(Path modelFile, String command) throws IOException {
    if (select != null) throw new IllegalArgumentException("--select applies when training; " + command
        + " uses the selection saved with the model");
    ModelFeatures mf = ModelFeatures.readBeside(modelFile);
    if (mf == null && given()) {
      throw new IllegalArgumentException(command + ": " + ModelFeatures.pathFor(modelFile) + " not found: the model "
          + "has no feature encoders (train --model hybrid with --item-features/--user-features and --out)");
    }
    return mf;
  }

  boolean given() {
    return itemFeatures != null || userFeatures != null;
  }

  /** The encoded features for {@code data}'s users and items, with one summary line per file on {@code err}. */
  SideFeatures load(Interactions data, PrintWriter err, boolean quiet) throws IOException {
    return load(data, data, err, quiet);
  }

  /**
   * As above, with {@code --select} ranking the features against {@code supervision} (the
   * training interactions, on {@code data}'s id indices; never the test pairs).
   */
  SideFeatures load(Interactions data, Interactions supervision, PrintWriter err, boolean quiet) throws IOException {
    if (!given()) {
      if (!formats.isEmpty()) throw new IllegalArgumentException("--features-format needs --item-features or --user-features");
      if (select != null) throw new IllegalArgumentException("--select needs --item-features or --user-features");
      return SideFeatures.NONE;
    }
    FeatureSelection selection = select == null ? null : FeatureSelection.parse(select);
    read();
    Selected i = items == null ? null
        : encode(items, data.itemIndex(), selection, supervision, FeatureRanking.Side.ITEMS, err, quiet);
    Selected u = users == null ? null
        : encode(users, data.userIndex(), selection, supervision, FeatureRanking.Side.USERS, err, quiet);
    itemCodec = i == null ? null : i.codec();
    userCodec = u == null ? null : u.codec();
    return new SideFeatures(u == null ? null : u.matrix(), i == null ? null : i.matrix());
  }

  /**
   * What a model trained on the last {@link #load} needs to score new entities: each side's codec
   * with the model's encoder for it; null when the model has no encoder for either side.
   */
  ModelFeatures modelFeatures(FeatureTrainer.Fit<?> fit) {
    if (fit == null) return null;
    ModelFeatures.Side u = !ModelFeatures.storable(fit.users()) || userCodec == null ? null
        : new ModelFeatures.Side(userCodec, fit.users());
    ModelFeatures.Side i = !ModelFeatures.storable(fit.items()) || itemCodec == null ? null
        : new ModelFeatures.Side(itemCodec, fit.items());
    return u == null && i == null ? null : new ModelFeatures(u, i);
  }

  /**
   * The ranking and selection report of each given feature file against {@code supervision}
   * (items first), by file; {@code selection} may be {@link FeatureSelection#NONE}.
   */
  Map<Path, FeatureSelection.Report> reports(Interactions supervision, FeatureSelection selection) throws IOException {
    if (!given()) throw new IllegalArgumentException("give --item-features or --user-features");
    read();
    Map<Path, FeatureSelection.Report> out = new LinkedHashMap<>();
    if (items != null) {
      out.put(itemFeatures, report(items, supervision.itemIndex(), selection, supervision, FeatureRanking.Side.ITEMS).report());
    }
    if (users != null) {
      out.put(userFeatures, report(users, supervision.userIndex(), selection, supervision, FeatureRanking.Side.USERS).report());
    }
    return out;
  }

  /** One side's encoding: what the summary counts, the report (null without --select), the rows, the codec. */
  private record Selected(EncodedFeatures encoded, FeatureSelection.Report report, CsrMatrix matrix,
      FeatureCodec codec) {}

  private static Selected report(FeatureTable table, IdIndex index, FeatureSelection selection,
      Interactions supervision, FeatureRanking.Side side) {
    FeatureSpace space = FeatureSpace.fit(table, index, FeatureSpaceConfig.DEFAULTS);
    EncodedFeatures enc = space.encode(table, index);
    FeatureRanking.Result ranking = FeatureRanking.rank(enc.matrix(), space, supervision, side,
        FeatureRanking.DEFAULT_MAX_AUDIENCE, 42L);
    FeatureSelection.Report report = selection.select(ranking);
    return new Selected(enc, report, FeatureSelection.apply(enc.matrix(), report.keep(), space.normalized()),
        space.codec().select(report.keep()));
  }

  private static Selected encode(FeatureTable table, IdIndex index, FeatureSelection selection,
      Interactions supervision, FeatureRanking.Side side, PrintWriter err, boolean quiet) {
    Selected s;
    String selected = "";
    if (selection == null) {
      FeatureSpace space = FeatureSpace.fit(table, index, FeatureSpaceConfig.DEFAULTS);
      EncodedFeatures enc = space.encode(table, index);
      s = new Selected(enc, null, enc.matrix(), space.codec());
    } else {
      s = report(table, index, selection, supervision, side);
      selected = String.format(Locale.ROOT, "; --select %s kept %,d of %,d features", selection.spec(),
          s.report().kept(), s.report().keep().length);
    }
    if (!quiet) {
      err.println("features: " + s.encoded().summary() + selected);
      err.flush();
    }
    return s;
  }

  /** The given format for this side, or the one the file name suggests. */
  private FeatureFormat format(Path file, boolean itemSide) {
    return FeatureFormat.forFile(file, itemSide, formats);
  }
}
