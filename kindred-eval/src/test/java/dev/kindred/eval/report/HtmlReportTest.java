package dev.kindred.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page is self-contained, escapes what it is given, and draws every chart in a real browser. */
class HtmlReportTest {

  @TempDir
  Path dir;

  static HtmlReport sample() {
    double[] k = {1, 2, 3, 4, 5};
    return new HtmlReport("models <compared> & \"plotted\"")
        .paragraph("a </script> in text stays text")
        .table(List.of("metric", "a"), List.of(List.of("ndcg@10", "0.3")))
        .lineChart("ndcg@K", "K", "ndcg", List.of(new HtmlReport.Series("a", k, new double[] {0.1, 0.2, Double.NaN, 0.3, 0.4}),
            new HtmlReport.Series("b", k, new double[] {0.05, 0.1, 0.15, 0.2, 0.25})))
        .scatterChart("accuracy vs popularity", "pop", "ndcg", List.of(new HtmlReport.Point("a", 10, 0.3),
            new HtmlReport.Point("b", 50, 0.2)))
        .barChart("recall by activity", "interactions", "recall", List.of("1-5", "6-20"),
            List.of(new HtmlReport.Bars("a", new double[] {0.1, 0.2}), new HtmlReport.Bars("b", new double[] {0.05, 0.1})));
  }

  @Test
  void pageIsSelfContainedAndEscaped() {
    String html = sample().render();
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).contains("<title>models &lt;compared&gt; &amp; &quot;plotted&quot;</title>");
    assertThat(html).contains("a &lt;/script&gt; in text stays text");
    assertThat(html).contains("data-charts=\"3\"");
    assertThat(html).doesNotContain("<script src").doesNotContain("<link ");
    assertThat(html).contains("echarts.init");
    // NaN becomes a JSON null: a gap, not a parse error in the browser
    assertThat(html).contains("[3.0,null]");
  }

  @Test
  void mismatchedInputsAreRefused() {
    assertThatThrownBy(() -> new HtmlReport.Series("s", new double[2], new double[3]))
        .hasMessageContaining("s: 2 x values but 3 y values");
    assertThatThrownBy(() -> new HtmlReport("t").barChart("c", "x", "y", List.of("a"),
        List.of(new HtmlReport.Bars("b", new double[2])))).hasMessageContaining("b: 2 values for 1 categories");
    assertThatThrownBy(() -> new HtmlReport("t").table(List.of("a", "b"), List.of(List.of("1"))))
        .hasMessageContaining("a row has 1 cells for 2 columns");
  }

  @Test
  void everyChartIsDrawnInHeadlessChromium() throws Exception {
    Optional<Path> chromium = chromium();
    assumeTrue(chromium.isPresent(), "no chromium binary on PATH (apt-get install chromium): browser check skipped");
    Path page = dir.resolve("index.html");
    Files.writeString(page, sample().render(), StandardCharsets.UTF_8);
    String dom = dumpDom(chromium.get(), page, dir);
    Matcher drawn = Pattern.compile("<body[^>]*data-charts-drawn=\"(\\d+)\"").matcher(dom);
    assertThat(drawn.find()).as("body carries data-charts-drawn after the script ran").isTrue();
    assertThat(Integer.parseInt(drawn.group(1))).isEqualTo(3);
    assertThat(Pattern.compile("data-drawn=\"true\"").matcher(dom).results().count()).isEqualTo(3);
    assertThat(Pattern.compile("<canvas").matcher(dom).results().count()).isGreaterThanOrEqualTo(3);
  }

  /** The first of chromium, chromium-browser, google-chrome found on PATH. */
  static Optional<Path> chromium() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of("chromium", "chromium-browser", "google-chrome")
        .flatMap(name -> Stream.of(path.split(java.io.File.pathSeparator)).map(d -> Path.of(d, name)))
        .filter(Files::isExecutable).findFirst();
  }

  /** The page's DOM after its scripts ran, from headless Chromium (no sandbox: tests may run as root). */
  static String dumpDom(Path chromium, Path page, Path dir) throws IOException, InterruptedException {
    Path out = dir.resolve("dom.html");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=10000", "--dump-dom",
        page.toUri().toString())
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s");
    }
    assertThat(p.exitValue()).as("chromium exit code").isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
