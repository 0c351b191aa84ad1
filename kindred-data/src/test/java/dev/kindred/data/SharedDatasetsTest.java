package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.Interactions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads the real data sets in {@code ../shared/datasets} and checks the published counts; each
 * test is skipped when its file is not there. The data is read in place, never copied.
 */
class SharedDatasetsTest {

  @Test
  void movieLens100k() throws IOException {
    Path f = TestFiles.dataset("ml-100k/u.data");
    LoadResult r = InteractionReader.read(f, InteractionFormat.ML_100K, ReadOptions.DEFAULTS);
    Interactions d = r.data();
    assertThat(r.rowsRead()).isEqualTo(100_000);
    assertThat(d.size()).isEqualTo(100_000);
    assertThat(d.numUsers()).isEqualTo(943);
    assertThat(d.numItems()).isEqualTo(1682);
    assertThat(d.meanValue()).isCloseTo(3.52986, within(1e-5));
    // ml-100k is a 20-core by construction: k-core 20/1 keeps everything.
    assertThat(Filters.kCore(d, 20, 1).size()).isEqualTo(100_000);
  }

  @Test
  void movieLens100kOfficialSplitSharesIndices() throws IOException {
    Path base = TestFiles.dataset("ml-100k/u1.base");
    Path test = TestFiles.dataset("ml-100k/u1.test");
    List<LoadResult> rs = InteractionReader.readShared(List.of(base, test), InteractionFormat.ML_100K,
        ReadOptions.DEFAULTS);
    assertThat(rs.get(0).data().size()).isEqualTo(80_000);
    assertThat(rs.get(1).data().size()).isEqualTo(20_000);
    assertThat(rs.get(1).data().numUsers()).isEqualTo(943);
    assertThat(rs.get(1).data().numItems()).isEqualTo(1682);
    assertThat(rs.get(0).data().itemIndex()).isSameAs(rs.get(1).data().itemIndex());
  }

  @Test
  void movieLensLatestSmallCsv() throws IOException {
    Path f = TestFiles.dataset("ml-latest-small/ratings.csv");
    Interactions d = InteractionReader.read(f, InteractionFormat.ML_CSV, ReadOptions.DEFAULTS).data();
    assertThat(d.size()).isEqualTo(100_836);
    assertThat(d.numUsers()).isEqualTo(610);
    assertThat(d.numItems()).isEqualTo(9724);
    Interactions viaCsv = InteractionReader.read(f, InteractionFormat.CSV, ReadOptions.DEFAULTS).data();
    assertThat(TestFiles.identical(viaCsv, d)).as("csv detects the header").isTrue();
  }

  @Test
  void gowallaLightGcnTrainAndTest() throws IOException {
    Path train = TestFiles.dataset("gowalla-lightgcn/train.txt");
    Path test = TestFiles.dataset("gowalla-lightgcn/test.txt");
    List<LoadResult> rs = InteractionReader.readShared(List.of(train, test), InteractionFormat.LIGHTGCN,
        ReadOptions.DEFAULTS);
    Interactions tr = rs.get(0).data();
    Interactions te = rs.get(1).data();
    assertThat(tr.size()).isEqualTo(810_128);
    assertThat(te.size()).isEqualTo(217_242);
    assertThat(tr.numUsers()).isEqualTo(29_858);
    assertThat(tr.activeUsers()).isEqualTo(29_858);
    assertThat(tr.numItems()).isEqualTo(40_981);
    for (int u = 0; u < te.numUsers(); u += 97) {
      for (int i : te.itemsOf(u)) {
        assertThat(tr.contains(u, i)).isFalse();
      }
    }
  }

  @Test
  void lastFmPlayCountsWithHeaderAndCrlf() throws IOException {
    Path f = TestFiles.dataset("lastfm-hetrec2011-2k/user_artists.dat");
    ColumnMapping m = ColumnMapping.parse("user=0,item=1,rating=2", "tab", true);
    Interactions d = InteractionReader.read(f, m, ReadOptions.DEFAULTS).data();
    assertThat(d.size()).isEqualTo(92_834);
    assertThat(d.numUsers()).isEqualTo(1892);
    assertThat(d.numItems()).isEqualTo(17_632);
    double sum = 0;
    for (float v : d.values()) {
      sum += v;
    }
    assertThat(sum).isEqualTo(69_183_975.0);
    float min = Float.MAX_VALUE;
    for (float v : Confidence.log(d, 1, 1).values()) {
      min = Math.min(min, v);
    }
    assertThat(min).as("weights >= 1, the smallest play count is 1").isEqualTo((float) (1 + Math.log(2)));
  }
}
