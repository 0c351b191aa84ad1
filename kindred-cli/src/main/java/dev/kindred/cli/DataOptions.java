package dev.kindred.cli;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.Interactions;
import dev.kindred.data.ColumnMapping;
import dev.kindred.data.Filters;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.LoadResult;
import dev.kindred.data.NamedColumns;
import dev.kindred.data.ReadOptions;
import dev.kindred.data.UserRows;
import dev.kindred.data.parquet.ParquetInteractionReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How interaction files are read: format or column mapping, duplicates, invalid rows. */
final class DataOptions {

  /** The --format name of Parquet files (not an {@link InteractionFormat}: its reader lives in kindred-data-parquet). */
  static final String PARQUET = "parquet";

  @Option(names = "--format", paramLabel = "NAME", defaultValue = "tsv",
      description = "Input format: ml-100k, ml-dat, ml-csv, tsv, csv, lightgcn, parquet. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--columns", paramLabel = "SPEC",
      description = "Column mapping: for delimited files by index, e.g. user=0,item=1,rating=2,ts=3 (overrides --format's columns); "
          + "for --format parquet by name, user=NAME,item=NAME[,value=NAME][,ts=NAME] (default user,item,value,ts; value and ts "
          + "read when present).")
  String columns;

  @Option(names = "--delimiter", paramLabel = "D", description = "Field delimiter with --columns (default: tab; 'comma', 'tab', 'space' or the character).")
  String delimiter;

  @Option(names = "--header", description = "With --columns: the first line is a header.")
  boolean header;

  @Option(names = "--duplicates", paramLabel = "POLICY", defaultValue = "last",
      description = "Repeated (user, item) pairs: last, sum or max. Default: ${DEFAULT-VALUE}.")
  String duplicates;

  @Option(names = "--skip-invalid", description = "Skip rows that do not parse (counted in the summary) instead of failing.")
  boolean skipInvalid;

  @Option(names = "--implicit", description = "Treat every interaction as a positive event of value 1.")
  boolean implicit;

  @Option(names = "--min-user-interactions", paramLabel = "N", defaultValue = "0",
      description = "Keep users with at least N interactions (with --min-item-interactions: iterated to a k-core).")
  int minUser;

  @Option(names = "--min-item-interactions", paramLabel = "N", defaultValue = "0",
      description = "Keep items with at least N interactions (iterated to a k-core with --min-user-interactions).")
  int minItem;

  @Option(names = "--hash-ids", paramLabel = "BUCKETS", defaultValue = "0",
      description = "Hash user ids into BUCKETS rows instead of one row per id: memory bounded whatever the data, and a "
          + "server admits new users without a rebuild; ids sharing a bucket share a row (the count is in the summary). "
          + "Items are not hashed. 0 (default): one row per user.")
  int hashIds;

  /**
   * The interactions of a file to train (or split) on, k-core filtered when asked: refused, naming
   * the file, when it holds none (empty, a header only, or every row skipped) or the filter keeps none.
   */
  Interactions training(LoadResult r) {
    if (r.data().size() == 0) {
      throw new IllegalArgumentException(r.file() + ": no interactions to train on (" + (r.rowsSkipped() == 0
          ? "the file is empty or holds only a header" : "all " + r.rowsSkipped() + " rows were skipped as invalid") + ")");
    }
    Interactions d = filter(r.data());
    if (d.size() == 0) {
      throw new IllegalArgumentException(r.file() + ": no interactions are left after --min-user-interactions "
          + minUser + " and --min-item-interactions " + minItem);
    }
    return d;
  }

  /** Applies the k-core filter when asked; ids not surviving are dropped from the indices. */
  private Interactions filter(Interactions d) {
    if (minUser < 0 || minItem < 0) {
      throw new IllegalArgumentException("--min-user-interactions and --min-item-interactions must be >= 0");
    }
    if ((minUser > 1 || minItem > 1) && hashIds > 0) {
      throw new IllegalArgumentException("--hash-ids does not combine with --min-user-interactions or "
          + "--min-item-interactions: the filter renumbers users, and a hashed user's row is its bucket");
    }
    return minUser > 1 || minItem > 1 ? Filters.kCore(d, Math.max(1, minUser), Math.max(1, minItem)) : d;
  }

  /**
   * Refuses the k-core flags where they cannot mean anything: {@code command} reads a model file,
   * which holds the users and items its training kept, and its {@code --train} file only names the
   * items to exclude (filtering it would recommend items users have already seen).
   */
  void refuseFilters(String command) {
    if (minUser != 0 || minItem != 0) {
      throw new IllegalArgumentException("--min-user-interactions and --min-item-interactions do not apply to "
          + command + ": they filter the data a model is trained on (train, split, evaluate, compare, demo); "
          + "the model file already holds the users and items that passed them");
    }
  }

  ReadOptions readOptions() {
    if (hashIds < 0) {
      throw new IllegalArgumentException("--hash-ids must be >= 0 (0 = user ids not hashed), got " + hashIds);
    }
    return new ReadOptions(DuplicatePolicy.parse(duplicates), skipInvalid, implicit).withHashUserBuckets(hashIds);
  }

  /** Reads the files onto one shared pair of id indices (train first). */
  List<LoadResult> readShared(List<Path> files) throws IOException {
    if (PARQUET.equalsIgnoreCase(format.trim())) {
      if (delimiter != null || header) {
        throw new IllegalArgumentException("--delimiter and --header do not apply to --format parquet");
      }
      NamedColumns named = columns == null ? NamedColumns.DEFAULTS : NamedColumns.parse(columns);
      return ParquetInteractionReader.readShared(files, named, readOptions());
    }
    if (columns != null) {
      ColumnMapping m = ColumnMapping.parse(columns, delimiterChar(), header);
      return InteractionReader.readShared(files, m, readOptions());
    }
    return InteractionReader.readShared(files, InteractionFormat.parse(format), readOptions());
  }

  /** Removes {@code user}'s rows from {@code file} (delimited text in this format); returns how many lines were cut. */
  int removeUser(Path file, String user) throws IOException {
    if (PARQUET.equalsIgnoreCase(format.trim())) {
      throw new IllegalArgumentException(file + ": Parquet files are not rewritten by forget; filter the user out "
          + "with the tool that wrote the file");
    }
    if (columns != null) return UserRows.remove(file, ColumnMapping.parse(columns, delimiterChar(), header), user);
    return UserRows.remove(file, InteractionFormat.parse(format), user);
  }

  LoadResult read(Path file) throws IOException {
    return readShared(List.of(file)).get(0);
  }

  private String delimiterChar() {
    if (delimiter == null) return "\t";
    return switch (delimiter) {
      case "tab", "\\t" -> "\t";
      case "comma" -> ",";
      case "space" -> " ";
      case "semicolon" -> ";";
      default -> delimiter;
    };
  }

  static List<Path> nonNull(Path... ps) {
    List<Path> out = new ArrayList<>();
    for (Path p : ps) if (p != null) out.add(p);
    return out;
  }
}
