package dev.kindred.data.features;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The side-data file layouts {@link FeatureReader} reads, with the fields each yields.
 *
 * <ul>
 *   <li>{@code ml-100k-item}: MovieLens 100K {@code u.item}, {@code |}-separated, Latin-1:
 *       {@code genre} (multi, from the 19 flags), {@code year} (numeric, from the release date),
 *       {@code title} (text, without the trailing "(year)").
 *   <li>{@code ml-100k-user}: {@code u.user}, {@code id|age|gender|occupation|zip}: {@code age}
 *       (numeric), {@code gender}, {@code occupation}, {@code zip} (categorical, first two characters).
 *   <li>{@code ml-dat-movies}: MovieLens 1M {@code movies.dat}, {@code id::title::genre|genre},
 *       Latin-1: {@code genre}, {@code year} (from the title), {@code title}.
 *   <li>{@code ml-dat-users}: {@code users.dat}, {@code id::gender::age::occupation::zip}:
 *       {@code gender}, {@code age} (already a bucket code: categorical), {@code occupation},
 *       {@code zip} (first two characters).
 *   <li>{@code ml-csv-movies}: MovieLens latest {@code movies.csv} (header, quoted CSV, UTF-8):
 *       {@code genre}, {@code year}, {@code title}.
 *   <li>{@code ml-csv-tags}: MovieLens latest {@code tags.csv} ({@code userId,movieId,tag,ts}):
 *       {@code tag} (multi, lower-cased) per movie.
 *   <li>{@code lastfm-tags}: Last.fm HetRec 2011 {@code user_taggedartists.dat} (header,
 *       tab-separated {@code userID artistID tagID day month year}): {@code tag} (multi, the tag
 *       id) per artist.
 *   <li>{@code generic}: UTF-8 lines {@code id<TAB>field<TAB>value}, one value per line; a field
 *       repeated for one id holds several values. Blank lines and lines starting with {@code #} are
 *       skipped, except declarations {@code #field NAME KIND} with KIND one of
 *       {@code categorical|multi|numeric|text}. An undeclared field is numeric when every value is a
 *       finite number, multi when some id has it twice, else categorical.
 * </ul>
 */
public enum FeatureFormat {
  ML_100K_ITEM, ML_100K_USER, ML_DAT_MOVIES, ML_DAT_USERS, ML_CSV_MOVIES, ML_CSV_TAGS, LASTFM_TAGS, GENERIC;

  /** The name on the command line ({@code ml-100k-item}). */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The format named {@code name} on the command line.
   *
   * @throws IllegalArgumentException listing the names when there is none
   */
  public static FeatureFormat parse(String name) {
    for (FeatureFormat f : values()) {
      if (f.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) return f;
    }
    throw new IllegalArgumentException("unknown --features-format '" + name + "': expected one of "
        + Arrays.stream(values()).map(FeatureFormat::cliName).collect(Collectors.joining(", ")));
  }

  /**
   * The layout of {@code file}, which describes items ({@code itemSide}) or users: the first of the
   * {@code given} command-line names that fits the side ({@code generic} fits both), else, with no
   * names given, the one its file name suggests ({@code u.item}, {@code u.user}, {@code movies.dat},
   * ...), else {@code generic}.
   *
   * @throws IllegalArgumentException when names are given but none fits the side, or one is unknown
   */
  public static FeatureFormat forFile(Path file, boolean itemSide, List<String> given) {
    for (String name : given) {
      FeatureFormat f = parse(name);
      if (f == GENERIC || f.describesItems() == itemSide) return f;
    }
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("--features-format " + String.join(",", given) + " names no "
          + (itemSide ? "item" : "user") + " layout for " + file);
    }
    return switch (file.getFileName().toString().toLowerCase(Locale.ROOT)) {
      case "u.item" -> ML_100K_ITEM;
      case "u.user" -> ML_100K_USER;
      case "movies.dat" -> ML_DAT_MOVIES;
      case "users.dat" -> ML_DAT_USERS;
      case "movies.csv" -> ML_CSV_MOVIES;
      case "tags.csv" -> ML_CSV_TAGS;
      case "user_taggedartists.dat" -> LASTFM_TAGS;
      default -> GENERIC;
    };
  }

  private boolean describesItems() {
    return this != ML_100K_USER && this != ML_DAT_USERS;
  }

  @Override
  public String toString() {
    return cliName();
  }
}
