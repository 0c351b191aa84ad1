package dev.kindred.data.features;

import dev.kindred.data.DataFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads side-data files into a {@link FeatureTable}, in the layouts of {@link FeatureFormat}. A
 * line that cannot be read stops the read with a {@link DataFormatException} naming
 * {@code file:line} and the problem. Missing values (empty fields, MovieLens' "unknown" release
 * date) are left out of the table and counted later as missing fields ({@link FeatureSpace}).
 */
public final class FeatureReader {

  /** The 19 genres of MovieLens 100K, in the order of the flags in {@code u.item} ({@code u.genre}). */
  static final List<String> ML_100K_GENRES = List.of("unknown", "Action", "Adventure", "Animation", "Children's",
      "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
      "Sci-Fi", "Thriller", "War", "Western");

  private static final Pattern TITLE_YEAR = Pattern.compile("^(.*?)\\s*\\((\\d{4})\\)\\s*$");

  private FeatureReader() {}

  /** Reads {@code file} in {@code format}. */
  public static FeatureTable read(Path file, FeatureFormat format) throws IOException {
    Charset cs = switch (format) {
      case ML_100K_ITEM, ML_100K_USER, ML_DAT_MOVIES, ML_DAT_USERS, LASTFM_TAGS -> StandardCharsets.ISO_8859_1;
      default -> StandardCharsets.UTF_8;
    };
    FeatureTable.Builder t = new FeatureTable.Builder(file.toString());
    declare(t, format);
    Map<String, Map<String, Integer>> genericCounts = new HashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, cs)) {
      String line;
      long no = 0;
      boolean header = format == FeatureFormat.ML_CSV_MOVIES || format == FeatureFormat.ML_CSV_TAGS
          || format == FeatureFormat.LASTFM_TAGS;
      while ((line = in.readLine()) != null) {
        no++;
        if (header && no == 1) continue;
        if (line.isBlank()) continue;
        try {
          switch (format) {
            case ML_100K_ITEM -> ml100kItem(t, line);
            case ML_100K_USER -> users(t, split(line, "|", 5), 1, 2, 3, 4, FieldKind.NUMERIC);
            case ML_DAT_MOVIES -> movie(t, split(line, "::", 3), "\\|");
            case ML_DAT_USERS -> users(t, split(line, "::", 5), 2, 1, 3, 4, FieldKind.CATEGORICAL);
            case ML_CSV_MOVIES -> movie(t, csv(line, 3), "\\|");
            case ML_CSV_TAGS -> tags(t, csv(line, 4), 1, 2, true);
            case LASTFM_TAGS -> tags(t, split(line, "\t", 6), 1, 2, false);
            case GENERIC -> generic(t, line, genericCounts);
          }
        } catch (IllegalArgumentException e) {
          throw new DataFormatException(file, no, e.getMessage());
        }
      }
    }
    if (format == FeatureFormat.GENERIC) inferKinds(t, genericCounts);
    return t.build();
  }

  private static void declare(FeatureTable.Builder t, FeatureFormat format) {
    switch (format) {
      case ML_100K_ITEM, ML_DAT_MOVIES, ML_CSV_MOVIES ->
          t.declare("genre", FieldKind.MULTI).declare("year", FieldKind.NUMERIC).declare("title", FieldKind.TEXT);
      case ML_100K_USER -> t.declare("age", FieldKind.NUMERIC).declare("gender", FieldKind.CATEGORICAL)
          .declare("occupation", FieldKind.CATEGORICAL).declare("zip", FieldKind.CATEGORICAL);
      case ML_DAT_USERS -> t.declare("age", FieldKind.CATEGORICAL).declare("gender", FieldKind.CATEGORICAL)
          .declare("occupation", FieldKind.CATEGORICAL).declare("zip", FieldKind.CATEGORICAL);
      case ML_CSV_TAGS, LASTFM_TAGS -> t.declare("tag", FieldKind.MULTI);
      case GENERIC -> { }
    }
  }

  private static void ml100kItem(FeatureTable.Builder t, String line) {
    String[] f = split(line, "|", 5 + ML_100K_GENRES.size());
    String id = id(f[0]);
    newRow(t, id);
    Matcher m = TITLE_YEAR.matcher(f[1]);
    t.add(id, "title", m.matches() ? m.group(1) : f[1].trim());
    String date = f[2].trim(); // dd-MMM-yyyy, or empty for "unknown"
    t.add(id, "year", date.length() >= 4 ? number("release date", date.substring(date.length() - 4)) : "");
    for (int g = 0; g < ML_100K_GENRES.size(); g++) {
      String flag = f[5 + g].trim();
      if (flag.equals("1")) {
        t.add(id, "genre", ML_100K_GENRES.get(g));
      } else if (!flag.equals("0")) {
        throw new IllegalArgumentException("genre flag " + (g + 1) + " (" + ML_100K_GENRES.get(g)
            + ") must be 0 or 1, got '" + flag + "'");
      }
    }
  }

  /** A movie row {@code id, title (year), genres}. */
  private static void movie(FeatureTable.Builder t, String[] f, String genreSep) {
    String id = id(f[0]);
    newRow(t, id);
    Matcher m = TITLE_YEAR.matcher(f[1]);
    t.add(id, "title", m.matches() ? m.group(1) : f[1].trim());
    t.add(id, "year", m.matches() ? m.group(2) : "");
    for (String g : f[2].split(genreSep)) {
      String genre = g.trim();
      if (!genre.isEmpty() && !genre.equals("(no genres listed)")) t.add(id, "genre", genre);
    }
  }

  private static void users(FeatureTable.Builder t, String[] f, int age, int gender, int occupation, int zip,
      FieldKind ageKind) {
    String id = id(f[0]);
    newRow(t, id);
    String a = f[age].trim();
    t.add(id, "age", ageKind == FieldKind.NUMERIC && !a.isEmpty() ? number("age", a) : a);
    t.add(id, "gender", f[gender].trim().toUpperCase(Locale.ROOT));
    t.add(id, "occupation", f[occupation].trim().toLowerCase(Locale.ROOT));
    String z = f[zip].trim();
    t.add(id, "zip", z.length() >= 2 ? z.substring(0, 2).toUpperCase(Locale.ROOT) : z);
  }

  /** One tagging row: adds the tag to the entity in column {@code idCol}. */
  private static void tags(FeatureTable.Builder t, String[] f, int idCol, int tagCol, boolean lowerCase) {
    String id = id(f[idCol]);
    String tag = f[tagCol].trim();
    if (tag.isEmpty()) throw new IllegalArgumentException("empty tag");
    t.add(id, "tag", lowerCase ? tag.toLowerCase(Locale.ROOT) : tag);
  }

  private static void generic(FeatureTable.Builder t, String line, Map<String, Map<String, Integer>> counts) {
    if (line.startsWith("#")) {
      String[] d = line.substring(1).trim().split("\\s+");
      if (d.length > 0 && d[0].equals("field")) {
        if (d.length != 3) throw new IllegalArgumentException("a declaration reads '#field NAME KIND', got '" + line + "'");
        FieldKind kind;
        try {
          kind = FieldKind.valueOf(d[2].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("field kind must be categorical, multi, numeric or text, got '" + d[2] + "'");
        }
        if (t.kind(d[1]) != null) throw new IllegalArgumentException("field '" + d[1] + "' declared after its first use");
        t.declare(d[1], kind);
      }
      return;
    }
    String[] f = split(line, "\t", 3);
    String id = id(f[0]);
    String field = f[1].trim();
    if (field.isEmpty()) throw new IllegalArgumentException("empty field name");
    FieldKind kind = t.kind(field);
    if ((kind == FieldKind.CATEGORICAL || kind == FieldKind.NUMERIC) && t.hasValue(id, field)) {
      throw new IllegalArgumentException("id " + id + " has a second value of " + kind.name().toLowerCase(Locale.ROOT)
          + " field '" + field + "'");
    }
    if (kind == FieldKind.NUMERIC) number(field, f[2].trim());
    if (kind == null) counts.computeIfAbsent(field, x -> new HashMap<>()).merge(id, 1, Integer::sum);
    t.add(id, field, f[2].trim());
  }

  /** Kinds of undeclared generic fields, from their values (see {@link FeatureFormat#GENERIC}). */
  private static void inferKinds(FeatureTable.Builder t, Map<String, Map<String, Integer>> counts) {
    for (String field : counts.keySet()) {
      boolean repeated = counts.get(field).values().stream().anyMatch(c -> c > 1);
      boolean numeric = !repeated && t.values(field).allMatch(FeatureReader::isNumber);
      t.declare(field, repeated ? FieldKind.MULTI : numeric ? FieldKind.NUMERIC : FieldKind.CATEGORICAL);
    }
  }

  private static void newRow(FeatureTable.Builder t, String id) {
    if (t.has(id)) throw new IllegalArgumentException("id " + id + " appears twice");
  }

  private static String id(String s) {
    String id = s.trim();
    if (id.isEmpty()) throw new IllegalArgumentException("empty id");
    return id;
  }

  private static String number(String what, String s) {
    if (!isNumber(s)) throw new IllegalArgumentException(what + " '" + s + "' is not a number");
    return s;
  }

  private static boolean isNumber(String s) {
    try {
      return Double.isFinite(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Splits on a literal separator and requires at least {@code fields} fields. */
  static String[] split(String line, String sep, int fields) {
    String[] f = line.split(Pattern.quote(sep), -1);
    if (f.length < fields) {
      throw new IllegalArgumentException("expected " + fields + " '" + sep.replace("\t", "\\t") + "'-separated fields, got "
          + f.length);
    }
    return f;
  }

  /** One RFC 4180 record on one line: commas, fields in double quotes with {@code ""} for a quote. */
  static String[] csv(String line, int fields) {
    List<String> out = new ArrayList<>(fields);
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) throw new IllegalArgumentException("unterminated quoted field");
    out.add(cur.toString());
    if (out.size() < fields) {
      throw new IllegalArgumentException("expected " + fields + " comma-separated fields, got " + out.size());
    }
    return out.toArray(String[]::new);
  }
}
