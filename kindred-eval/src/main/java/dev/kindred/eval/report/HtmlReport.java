package dev.kindred.eval.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML page of tables and charts: what {@code --report DIR} writes. Charts are
 * drawn in the browser by Apache ECharts (the {@code org.webjars.npm:echarts} jar, its
 * {@code echarts.common.min.js} inlined into the page, so it opens without a network); each chart
 * is an ECharts option object serialised by Jackson. The page needs no server and no other file.
 *
 * <ol>
 *   <li>Sections appear in the order they were added.
 *   <li>Every chart is a {@code div.chart} with {@code data-chart="i"}; once ECharts has finished
 *       drawing it on its canvas the page sets {@code data-drawn="true"} on that div and
 *       {@code data-charts-drawn} on {@code body} to the number drawn so far (what the headless
 *       browser test reads). Animation is off, so drawing finishes in one frame.
 *   <li>Non-finite numbers become JSON null (a gap in a line, no point in a scatter).
 * </ol>
 * Not thread-safe; build one per page.
 */
public final class HtmlReport {

  /** A line of (x, y) points; x and y have equal lengths. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
      }
    }
  }

  /** A labelled point of a scatter chart. */
  public record Point(String label, double x, double y) {}

  /** One group of bars: a value per category. */
  public record Bars(String name, double[] values) {}

  private static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.common.min.js";
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final String title;
  private final StringBuilder body = new StringBuilder();
  private final List<Map<String, Object>> charts = new ArrayList<>();

  public HtmlReport(String title) {
    this.title = title;
  }

  /** A paragraph of plain text (escaped). */
  public HtmlReport paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A section heading. */
  public HtmlReport heading(String text) {
    body.append("<h2>").append(escape(text)).append("</h2>\n");
    return this;
  }

  /** A table: {@code header} names the columns, each row has as many cells (plain text, escaped). */
  public HtmlReport table(List<String> header, List<List<String>> rows) {
    body.append("<table>\n<tr>");
    for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
    body.append("</tr>\n");
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException("a row has " + row.size() + " cells for " + header.size() + " columns");
      }
      body.append("<tr>");
      for (String c : row) body.append("<td>").append(escape(c)).append("</td>");
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** A line chart of several series over a numeric x axis. */
  public HtmlReport lineChart(String caption, String xName, String yName, List<Series> series) {
    List<Object> s = new ArrayList<>();
    for (Series one : series) {
      List<Object> data = new ArrayList<>();
      for (int j = 0; j < one.x().length; j++) data.add(Arrays.asList(one.x()[j], finite(one.y()[j])));
      s.add(Map.of("type", "line", "name", one.name(), "data", data, "showSymbol", one.x().length <= 30));
    }
    return chart(caption, axis("value", xName, null, true), axis("value", yName, null, true), s);
  }

  /** A scatter chart of labelled points, one series per point so the legend names them. */
  public HtmlReport scatterChart(String caption, String xName, String yName, List<Point> points) {
    List<Object> s = new ArrayList<>();
    for (Point p : points) {
      s.add(Map.of("type", "scatter", "name", p.label(), "symbolSize", 14,
          "data", List.of(Arrays.asList(finite(p.x()), finite(p.y()))),
          "label", Map.of("show", true, "position", "top", "formatter", "{a}")));
    }
    return chart(caption, axis("value", xName, null, true), axis("value", yName, null, true), s);
  }

  /** A bar chart: categories on the x axis, a group of bars per {@link Bars}. */
  public HtmlReport barChart(String caption, String xName, String yName, List<String> categories, List<Bars> bars) {
    List<Object> s = new ArrayList<>();
    for (Bars b : bars) {
      if (b.values().length != categories.size()) {
        throw new IllegalArgumentException(b.name() + ": " + b.values().length + " values for " + categories.size()
            + " categories");
      }
      List<Object> data = new ArrayList<>();
      for (double v : b.values()) data.add(finite(v));
      s.add(Map.of("type", "bar", "name", b.name(), "data", data));
    }
    return chart(caption, axis("category", xName, categories, false), axis("value", yName, null, false), s);
  }

  /** Charts added so far. */
  public int charts() {
    return charts.size();
  }

  private HtmlReport chart(String caption, Map<String, Object> x, Map<String, Object> y, List<Object> series) {
    Map<String, Object> option = new LinkedHashMap<>();
    option.put("animation", false);
    option.put("title", Map.of("text", caption, "left", "center", "textStyle", Map.of("fontSize", 14)));
    option.put("tooltip", Map.of("trigger", series.isEmpty() || !"line".equals(((Map<?, ?>) series.get(0)).get("type"))
        ? "item" : "axis"));
    option.put("legend", Map.of("bottom", 0, "type", "scroll"));
    option.put("grid", Map.of("left", 70, "right", 30, "top", 50, "bottom", 70));
    option.put("xAxis", x);
    option.put("yAxis", y);
    option.put("series", series);
    int i = charts.size();
    charts.add(option);
    body.append("<div class=\"chart\" id=\"chart-").append(i).append("\" data-chart=\"").append(i)
        .append("\"></div>\n");
    return this;
  }

  /** An axis; {@code scale}: fit the data's range instead of starting at zero (not for bars). */
  private static Map<String, Object> axis(String type, String name, List<String> categories, boolean scale) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", type);
    a.put("name", name);
    a.put("nameLocation", "middle");
    a.put("nameGap", type.equals("category") ? 30 : 40);
    a.put("scale", scale);
    if (categories != null) a.put("data", categories);
    return a;
  }

  /** The page: head with styles, the sections, the chart options, ECharts and the drawing script. */
  public String render() {
    String options;
    try {
      // "</" inside a script element would end it; "<\/" is the same string to JavaScript.
      options = JSON.writeValueAsString(charts).replace("</", "<\\/");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>%s</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        .chart { width: 100%%; height: 420px; margin: 1.5em 0; }
        </style>
        </head>
        <body data-charts="%d" data-charts-drawn="0">
        <h1>%s</h1>
        %s
        <script id="kindred-charts" type="application/json">%s</script>
        <script>%s</script>
        <script>
        (function () {
          var options = JSON.parse(document.getElementById('kindred-charts').textContent);
          var drawn = 0;
          options.forEach(function (option, i) {
            var el = document.getElementById('chart-' + i);
            var chart = echarts.init(el, null, { renderer: 'canvas' });
            chart.on('finished', function () {
              if (el.dataset.drawn !== 'true') {
                el.dataset.drawn = 'true';
                drawn++;
                document.body.dataset.chartsDrawn = String(drawn);
              }
            });
            chart.setOption(option);
            window.addEventListener('resize', function () { chart.resize(); });
          });
        })();
        </script>
        </body>
        </html>
        """.formatted(escape(title), charts.size(), escape(title), body, options, echarts());
  }

  private static String echarts() {
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(ECHARTS)) {
      if (in == null) throw new IllegalStateException(ECHARTS + " is not on the class path (org.webjars.npm:echarts)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
