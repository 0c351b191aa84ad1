package dev.kindred.spark.sgd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A line chart (y against x, one polyline per series, axes, ticks, legend) written as plain SVG. */
final class ConvergencePlot {

  record Series(String name, double[] x, double[] y) {}

  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  private static final int W = 760;
  private static final int H = 460;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 55;

  private ConvergencePlot() {}

  static void write(Path out, String title, String xLabel, String yLabel, List<Series> series, double yMax)
      throws IOException {
    double xMin = 0;
    double xMax = 0;
    double yMin = Double.POSITIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.x()) xMax = Math.max(xMax, v);
      for (double v : s.y()) yMin = Math.min(yMin, v);
    }
    yMin = Math.floor(yMin * 50) / 50;
    double yTop = yMax;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        W, H));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT, esc(title)));
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
        LEFT, TOP, pw, ph));
    for (int t = 0; t <= 5; t++) {
      double xv = xMin + (xMax - xMin) * t / 5;
      double px = LEFT + pw * t / 5.0;
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n", px, TOP, px, TOP + ph));
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>%n", px, TOP + ph + 16, xv));
      double yv = yMin + (yTop - yMin) * t / 5;
      double py = TOP + ph - ph * t / 5.0;
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, py, LEFT + pw, py));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3f</text>%n", LEFT - 6, py + 4, yv));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + pw / 2, H - 12,
        esc(xLabel)));
    b.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n", TOP + ph / 2,
        TOP + ph / 2, esc(yLabel)));
    for (int s = 0; s < series.size(); s++) {
      Series se = series.get(s);
      String colour = COLOURS[s % COLOURS.length];
      StringBuilder pts = new StringBuilder();
      for (int j = 0; j < se.x().length; j++) {
        double y = Math.min(yTop, se.y()[j]);
        double px = LEFT + pw * (se.x()[j] - xMin) / Math.max(1e-9, xMax - xMin);
        double py = TOP + ph - ph * (y - yMin) / Math.max(1e-9, yTop - yMin);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      }
      b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
          colour, pts.toString().trim()));
      int ly = TOP + 16 + 18 * s;
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
          LEFT + pw - 230, ly - 4, LEFT + pw - 205, ly - 4, colour));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + pw - 198, ly, esc(se.name())));
    }
    b.append("</svg>\n");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, b.toString());
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
